package io.maas.common.http;

import io.maas.common.kafka.KafkaAdminVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every service's HTTP API verticle: mounts health, metrics and the service's OpenAPI
 * document ({@code GET /openapi.json}) with the Kafka readiness check, lets the service add its own
 * checks and routes, then listens on the service's port. Deploy it after the
 * {@link KafkaAdminVerticle} it is given.
 */
public abstract class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  private final int port;
  private final KafkaAdminVerticle kafka;
  private final String apiDescription;
  private volatile int actualPort = -1;
  private volatile List<String> servedRoutes = List.of();

  /**
   * @param port           the TCP port; 0 picks a free one (tests)
   * @param apiDescription the classpath resource of the service's OpenAPI document, served at
   *                       {@code GET /openapi.json}, such as {@code openapi/registry-service.json}
   */
  protected ApiVerticle(int port, KafkaAdminVerticle kafka, String apiDescription) {
    this.port = port;
    this.kafka = kafka;
    this.apiDescription = apiDescription;
  }

  /** Readiness procedures beyond Kafka's, such as "a production model is loaded". */
  protected void readiness(HealthChecks checks) {}

  /** The service's own routes. */
  protected abstract void routes(Router router);

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(() -> Observability.apiDescription(apiDescription))
        .compose(this::listen);
  }

  private Future<Integer> listen(Buffer description) {
    Router router = Router.router(vertx);
    HealthChecks checks = Observability.mount(vertx, router, description);
    checks.register("kafka", promise -> kafka.health().check(promise));
    readiness(checks);
    routes(router);
    router.route().failureHandler(ApiVerticle::failed);
    // What no route serves answers the error body as well, not Vert.x Web's HTML page
    router.errorHandler(
        404,
        ctx ->
            HttpErrors.respond(
                ctx,
                404,
                ApiError.NOT_FOUND.code(),
                "no route serves " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx ->
            HttpErrors.respond(
                ctx,
                405,
                ApiError.METHOD_NOT_ALLOWED.code(),
                ctx.request().path() + " does not take " + ctx.request().method()));
    servedRoutes =
        router.getRoutes().stream()
            .filter(route -> route.methods() != null && !route.methods().isEmpty())
            .flatMap(
                route ->
                    route.methods().stream().map(method -> method.name() + " " + route.getName()))
            .distinct()
            .toList();
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port)
        .onSuccess(
            server -> {
              actualPort = server.actualPort();
              LOG.info("{} listening on port {}", getClass().getSimpleName(), actualPort);
            })
        .map(HttpServer::actualPort);
  }

  /**
   * Answers every failed request with the error body: an {@link ApiException}'s error, a status
   * another handler failed with (a body limit's 413), or 500 for anything else, logged.
   */
  static void failed(io.vertx.ext.web.RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException e) {
      e.headers().forEach(ctx.response()::putHeader);
      HttpErrors.respond(ctx, e.error().status(), e.code(), e.getMessage());
    } else if (failure == null) {
      ApiError error = ApiError.ofStatus(ctx.statusCode());
      HttpErrors.respond(
          ctx,
          ctx.statusCode() > 0 ? ctx.statusCode() : 500,
          error.code(),
          ctx.request().method()
              + " "
              + ctx.request().path()
              + " failed with HTTP "
              + ctx.statusCode());
    } else {
      LOG.error(
          "{} {} failed: {}",
          ctx.request().method(),
          ctx.request().path(),
          failure.toString(),
          failure);
      HttpErrors.respond(
          ctx,
          ApiError.INTERNAL_ERROR.status(),
          ApiError.INTERNAL_ERROR.code(),
          "the request failed: " + failure.getMessage());
    }
  }

  /**
   * The routes the service serves, once started, each as {@code "METHOD name"}, for tests that hold
   * them against the OpenAPI document. Vert.x names a route by its path ({@code /v1/models/:model});
   * a regular-expression route, and a wildcard one (whose path loses its {@code *}), is named
   * where it is made.
   */
  public List<String> servedRoutes() {
    return servedRoutes;
  }

  /** The port the server listens on, once started. */
  public int actualPort() {
    return actualPort;
  }
}
