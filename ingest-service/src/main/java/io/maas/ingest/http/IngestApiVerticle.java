package io.maas.ingest.http;

import io.maas.common.event.ModelDeployment;
import io.maas.common.http.ApiVerticle;
import io.maas.common.kafka.DeploymentWatcher;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.KafkaHealth;
import io.maas.common.kafka.Topics;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.core.Admission;
import io.maas.ingest.core.IngestMetrics;
import io.maas.ingest.core.Predictor;
import io.maas.ingest.grpc.TfServingGrpc;
import io.maas.ingest.kafka.RequestProducerConfig;
import io.maas.ingest.kafka.RequestPublisher;
import io.maas.ingest.kafka.ResultFollower;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP API (docs/CONTRACT.md, "ingest-service"): the routes, the deployments they admit
 * requests for, and the Kafka clients. {@code POST /v1/models/{model}/requests}
 * ({@link RequestsApi}) validates a body of requests all or nothing and publishes them to
 * {@code maas.requests.<model>}, answering 202 once Kafka acknowledged every record; invalid items
 * become dead letters on {@code maas.dlq} and nothing is published ({@link Preparation}).
 * {@code :predict} ({@link PredictApi}) publishes the same way and answers with the results that
 * come back on {@code maas.results.<model>}. A model is known once {@code maas.models} gives it a
 * production version; what is refused before a body is read, and how, is {@link Admission}.
 *
 * <p>While {@link KafkaHealth} finds Kafka unreachable, both answer 503 {@code kafka_unavailable}
 * at once without publishing, and calls still waiting for an acknowledgement get the same answer
 * as soon as it is found so; a call Kafka never acknowledges waits at most
 * {@code MAAS_INGEST_DELIVERY_TIMEOUT_MS}. A 202 is only given after acks=all.
 */
public final class IngestApiVerticle extends ApiVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(IngestApiVerticle.class);
  private static final String JSON = "application/json";

  private final IngestConfig config;
  private final KafkaClients clients;
  private final KafkaAdminVerticle kafka;
  private final Map<String, ModelDeployment> deployments = new HashMap<>();
  private DeploymentWatcher watcher;
  private RequestPublisher publisher;
  private ResultFollower results;
  private HttpAdmission admission;
  private RequestsApi requests;
  private PredictApi predict;
  private ModelsApi models;
  private HttpServer grpcServer;

  public IngestApiVerticle(IngestConfig config, KafkaClients clients, KafkaAdminVerticle kafka) {
    super(config.port(), kafka, "openapi/ingest-service.json");
    this.config = config;
    this.clients = clients;
    this.kafka = kafka;
    IngestMetrics.register();
  }

  @Override
  public Future<?> start() {
    KafkaHealth health = kafka.health();
    publisher =
        new RequestPublisher(
            KafkaProducer.create(
                vertx,
                RequestProducerConfig.of(
                    clients.producerConfig("requests"),
                    config.deliveryTimeout(),
                    config.maxTextBytes())),
            config.maxInFlight(),
            health::reachable);
    health.onChange(
        context,
        reachable -> {
          if (!reachable) {
            publisher.abandon();
          }
        });
    results = new ResultFollower(clients, context);
    watcher = new DeploymentWatcher(clients, context, this::deployed);
    watcher.start();
    results.start();
    Admission checks =
        new Admission(
            config,
            clients.bootstrapServers(),
            health,
            deployments,
            watcher::caughtUp,
            publisher,
            results);
    admission = new HttpAdmission(checks, config.maxBodyBytes());
    Preparation preparation = new Preparation(vertx, config, publisher, checks);
    requests = new RequestsApi(preparation, checks, publisher);
    Predictor predictor = new Predictor(vertx, config, checks, publisher, results);
    predict = new PredictApi(preparation, predictor);
    models = new ModelsApi(checks);
    return super.start().compose(port -> startGrpc(new TfServingGrpc(config, checks, predictor)));
  }

  /** TensorFlow Serving's gRPC API, on this verticle's event loop beside the HTTP one (plain HTTP/2). */
  private Future<?> startGrpc(TfServingGrpc grpc) {
    return vertx
        .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
        .requestHandler(grpc.server(vertx))
        .listen(config.grpcPort())
        .onSuccess(
            server -> {
              grpcServer = server;
              LOG.info("TensorFlow Serving's gRPC API listening on port {}", server.actualPort());
            });
  }

  /** The gRPC port, once started (the configured one, or the one picked for 0). */
  public int grpcPort() {
    return grpcServer == null ? -1 : grpcServer.actualPort();
  }

  @Override
  public Future<?> stop() {
    return vertx
        .executeBlocking(
            () -> {
              watcher.close();
              results.close();
              return null;
            })
        .compose(v -> grpcServer == null ? Future.succeededFuture() : grpcServer.close())
        .compose(v -> publisher.close());
  }

  @Override
  protected void readiness(HealthChecks checks) {
    // Until every deployment on maas.models has been
    // read, known models would be refused as unknown.
    checks.register(
        "deployments",
        promise ->
            promise.complete(
                watcher.caughtUp()
                    ? Status.OK()
                    : Status.KO(
                        new JsonObject()
                            .put(
                                "message",
                                "still reading the model deployments on " + Topics.MODELS))));
  }

  @Override
  protected void routes(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    // Two routes per path: Vert.x runs body handlers before any other on a route, and the cheap
    // refusals (bad name, wrong type, unknown model) should come before the body is read.
    String requestsPath = "/v1/models/:model/requests";
    router.post(requestsPath).handler(admission::authorize);
    router
        .post(requestsPath)
        .handler(ctx -> admission.admit(ctx, Set.of(JSON, RequestsApi.NDJSON)));
    router
        .post(requestsPath)
        .handler(body)
        .handler(requests::handle)
        .failureHandler(admission::bodyTooLarge);
    // TensorFlow Serving's ":predict" suffix is not a path segment, so
    // these routes are regular expressions. Each is named by its path
    // in the OpenAPI document, which tests hold the routes against.
    String predictPath = "/v1/models/([^/:]+):predict";
    String predictName = "/v1/models/{model}:predict";
    router.postWithRegex(predictPath).setName(predictName).handler(admission::authorize);
    router
        .postWithRegex(predictPath)
        .setName(predictName)
        .handler(ctx -> admission.admit(ctx, Set.of(JSON)));
    router
        .postWithRegex(predictPath)
        .setName(predictName)
        .handler(body)
        .handler(ctx -> predict.handle(ctx, null))
        .failureHandler(admission::bodyTooLarge);
    // TensorFlow Serving's REST model status and metadata
    for (String path : new String[] {"/v1/models/:model", "/v1/models/:model/versions/:version"}) {
      router.get(path).handler(admission::authorize).handler(models::status);
    }
    router
        .get("/v1/models/:model/metadata")
        .handler(admission::authorize)
        .handler(models::metadata);
    String predictVersionPath = "/v1/models/([^/:]+)/versions/([0-9]+):predict";
    String predictVersionName = "/v1/models/{model}/versions/{version}:predict";
    router
        .postWithRegex(predictVersionPath)
        .setName(predictVersionName)
        .handler(admission::authorize);
    router
        .postWithRegex(predictVersionPath)
        .setName(predictVersionName)
        .handler(ctx -> admission.admit(ctx, Set.of(JSON)));
    router
        .postWithRegex(predictVersionPath)
        .setName(predictVersionName)
        .handler(body)
        .handler(predict::handleVersion)
        .failureHandler(admission::bodyTooLarge);
  }

  private void deployed(ModelDeployment deployment) {
    deployments.put(deployment.model(), deployment);
    if (deployment.production() == null) {
      LOG.info(
          "Model {} (revision {}) has no production version; ingest refuses its requests as unknown",
          deployment.model(),
          deployment.revision());
    } else {
      LOG.info(
          "Model {} (revision {}) is served by production version {}; ingest takes its requests",
          deployment.model(),
          deployment.revision(),
          deployment.production().version());
    }
  }
}
