package io.maas.common.http;

import io.maas.common.kafka.KafkaAdminVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every service's HTTP API verticle: mounts health and metrics with the Kafka
 * readiness check, lets the service add its own checks and routes, then listens on the
 * service's port. Deploy it after the {@link KafkaAdminVerticle} it is given.
 */
public abstract class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  private final int port;
  private final KafkaAdminVerticle kafka;
  private volatile int actualPort = -1;

  /** @param port the TCP port; 0 picks a free one (tests) */
  protected ApiVerticle(int port, KafkaAdminVerticle kafka) {
    this.port = port;
    this.kafka = kafka;
  }

  /** Readiness procedures beyond Kafka's, such as "a production model is loaded". */
  protected void readiness(HealthChecks checks) {
  }

  /** The service's own routes. */
  protected abstract void routes(Router router);

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HealthChecks checks = Observability.mount(vertx, router);
    checks.register("kafka", promise -> kafka.health().check(promise));
    readiness(checks);
    routes(router);
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(port)
        .onSuccess(server -> {
          actualPort = server.actualPort();
          LOG.info("{} listening on port {}", getClass().getSimpleName(), actualPort);
        })
        .map(HttpServer::actualPort);
  }

  /** The port the server listens on, once started. */
  public int actualPort() {
    return actualPort;
  }
}
