package io.maas.ingest.http;

import static io.maas.ingest.http.IngestMetrics.ACCEPTED;
import static io.maas.ingest.http.IngestMetrics.FAILED;
import static io.maas.ingest.http.IngestMetrics.INVALID;
import static io.maas.ingest.http.IngestMetrics.OVERLOADED;
import static io.maas.ingest.http.IngestMetrics.TIMEOUT;
import static io.maas.ingest.http.IngestMetrics.TOO_LARGE;
import static io.maas.ingest.http.IngestMetrics.UNAUTHORIZED;
import static io.maas.ingest.http.IngestMetrics.UNKNOWN_MODEL;
import static io.maas.ingest.http.IngestMetrics.count;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Names;
import io.maas.common.http.ApiVerticle;
import io.maas.common.http.BearerTokens;
import io.maas.common.http.HttpErrors;
import io.maas.common.kafka.DeploymentWatcher;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.KafkaHealth;
import io.maas.common.kafka.Topics;
import io.maas.ingest.batch.Batch;
import io.maas.ingest.batch.BatchDecoder;
import io.maas.ingest.batch.TooManyItemsException;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.kafka.KafkaUnavailableException;
import io.maas.ingest.kafka.RequestPublisher;
import io.maas.ingest.kafka.ResultFollower;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP API (contract: "ingest-service"). {@code POST /v1/models/{model}/requests}
 * validates a body of requests all or nothing and publishes them to
 * {@code maas.requests.<model>}, answering 202 once Kafka acknowledged every record; invalid items
 * become dead letters on {@code maas.dlq} and nothing is published. {@code :predict} publishes the
 * same way and answers with the results that come back on {@code maas.results.<model>}
 * ({@link ResultFollower}). A model is known once {@code maas.models} gives it a production version.
 *
 * <p>While {@link KafkaHealth} finds Kafka unreachable, both answer 503 {@code kafka_unavailable}
 * at once without publishing, and calls still waiting for an acknowledgement get the same answer
 * as soon as it is found so; a call Kafka never acknowledges waits at most
 * {@code MAAS_INGEST_DELIVERY_TIMEOUT_MS}. A 202 is only given after acks=all.
 */
public final class IngestApiVerticle extends ApiVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(IngestApiVerticle.class);
  private static final String JSON = "application/json";
  private static final String NDJSON = "application/x-ndjson";
  private static final String STAGE = "ingest";
  /** Bodies up to this size are decoded on the event loop; larger ones on a worker thread. */
  private static final int INLINE_DECODE_BYTES = 64 * 1024;
  private static final String RETRY_AFTER = "Retry-After";
  /** Seconds a client is asked to wait while Kafka is unreachable: a broker takes seconds to come back. */
  private static final String KAFKA_RETRY_AFTER_SECONDS = "5";
  private static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

  private final IngestConfig config;
  private final BearerTokens producerTokens;
  private final KafkaClients clients;
  private final KafkaAdminVerticle kafka;
  private final Map<String, ModelDeployment> deployments = new HashMap<>();
  private DeploymentWatcher watcher;
  private RequestPublisher publisher;
  private ResultFollower results;

  public IngestApiVerticle(IngestConfig config, KafkaClients clients, KafkaAdminVerticle kafka) {
    super(config.port(), kafka);
    this.config = config;
    this.producerTokens = BearerTokens.of(config.producerTokens());
    this.clients = clients;
    this.kafka = kafka;
    IngestMetrics.register();
  }

  @Override
  public Future<?> start() {
    KafkaHealth health = kafka.health();
    publisher = new RequestPublisher(KafkaProducer.create(vertx, producerConfig()), config.maxInFlight(),
        health::reachable);
    health.onChange(context, reachable -> {
      if (!reachable) {
        publisher.abandon();
      }
    });
    results = new ResultFollower(clients, context);
    watcher = new DeploymentWatcher(clients, context, this::deployed);
    watcher.start();
    results.start();
    return super.start();
  }

  /**
   * The shared producer settings, with room for the longest text: Kafka's default request limit
   * (1 MiB) is smaller than a 1 MiB text once it is wrapped in JSON (escapes can double it). A
   * record waits for its acknowledgement at most {@code MAAS_INGEST_DELIVERY_TIMEOUT_MS}, an HTTP
   * client's patience rather than Kafka's two minutes, and so does a send that waits for metadata.
   */
  private Map<String, String> producerConfig() {
    Map<String, String> producer = new HashMap<>(clients.producerConfig("requests"));
    long delivery = config.deliveryTimeout().toMillis();
    long linger = Long.parseLong(producer.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, "0"));
    producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(delivery));
    // Kafka refuses a delivery timeout below linger.ms + request.timeout.ms (30 s by default).
    producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(30_000, delivery - linger)));
    producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(delivery));
    long requestBytes = Math.min(Integer.MAX_VALUE, 2L * config.maxTextBytes() + 64 * 1024);
    if (requestBytes > DEFAULT_MAX_REQUEST_BYTES) {
      producer.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(requestBytes));
      producer.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(Math.max(32L << 20, 2 * requestBytes)));
    }
    return producer;
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      watcher.close();
      results.close();
      return null;
    }).compose(v -> publisher.close());
  }

  @Override
  protected void readiness(HealthChecks checks) {
    // Until every deployment on maas.models has been read, known models would be refused as unknown.
    checks.register("deployments", promise -> promise.complete(watcher.caughtUp() ? Status.OK()
        : Status.KO(new JsonObject().put("message", "still reading the model deployments on " + Topics.MODELS))));
  }

  @Override
  protected void routes(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    // Two routes per path: Vert.x runs body handlers before any other on a route, and the cheap
    // refusals (bad name, wrong type, unknown model) should come before the body is read.
    String requests = "/v1/models/:model/requests";
    router.post(requests).handler(this::authorize);
    router.post(requests).handler(ctx -> admit(ctx, Set.of(JSON, NDJSON)));
    router.post(requests).handler(body).handler(this::requests).failureHandler(this::failed);
    // TensorFlow Serving's ":predict" suffix is not a path segment, so these routes are regular expressions.
    String predict = "/v1/models/([^/:]+):predict";
    router.postWithRegex(predict).handler(this::authorize);
    router.postWithRegex(predict).handler(ctx -> admit(ctx, Set.of(JSON)));
    router.postWithRegex(predict).handler(body).handler(ctx -> predict(ctx, null)).failureHandler(this::failed);
    String predictVersion = "/v1/models/([^/:]+)/versions/([0-9]+):predict";
    router.postWithRegex(predictVersion).handler(this::authorize);
    router.postWithRegex(predictVersion).handler(ctx -> admit(ctx, Set.of(JSON)));
    router.postWithRegex(predictVersion).handler(body).handler(this::predictVersion).failureHandler(this::failed);
  }

  private void deployed(ModelDeployment deployment) {
    deployments.put(deployment.model(), deployment);
    if (deployment.production() == null) {
      LOG.info("Model {} (revision {}) has no production version; ingest refuses its requests as unknown",
          deployment.model(), deployment.revision());
    } else {
      LOG.info("Model {} (revision {}) is served by production version {}; ingest takes its requests",
          deployment.model(), deployment.revision(), deployment.production().version());
    }
  }

  // ---- checks before the body is read

  /** With MAAS_INGEST_TOKENS set, only producers that send one of them. */
  private void authorize(RoutingContext ctx) {
    if (producerTokens.isEmpty() || producerTokens.accepts(ctx.request().getHeader("Authorization"))) {
      ctx.next();
      return;
    }
    // a caller without a token names no series: only models that exist get one
    count(deployments.containsKey(model(ctx)) ? model(ctx) : "", UNAUTHORIZED, 1);
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    HttpErrors.respond(ctx, 401, "unauthorized", "send 'Authorization: Bearer <token>' with one of the tokens in "
        + "ingest's MAAS_INGEST_TOKENS");
  }

  /** Refuses what can be refused without reading the body: bad name, wrong type, unknown model. */
  private void admit(RoutingContext ctx, Set<String> types) {
    String model = model(ctx);
    if (!Names.isValidModel(model)) {
      HttpErrors.respond(ctx, 400, "invalid_model", "model names match [a-z0-9][a-z0-9-]{0,62}, got '" + model + "'");
      return;
    }
    if (!types.contains(mediaType(ctx))) {
      count(model, INVALID, 1);
      HttpErrors.respond(ctx, 415, "unsupported_media_type", "send the body as " + String.join(" or ", types.stream()
          .sorted().toList()) + ", got '" + ctx.request().getHeader("Content-Type") + "'");
      return;
    }
    if (!watcher.caughtUp()) {
      count(model, OVERLOADED, 1);
      ctx.response().putHeader(RETRY_AFTER, "2");
      HttpErrors.respond(ctx, 503, "not_ready", "ingest is still reading the model deployments on " + Topics.MODELS);
      return;
    }
    ModelDeployment deployment = deployments.get(model);
    if (deployment == null || deployment.production() == null) {
      count(model, UNKNOWN_MODEL, 1);
      HttpErrors.respond(ctx, 404, "unknown_model", "model '" + model + "' has no production version deployed");
      return;
    }
    if (!kafka.health().reachable()) {
      kafkaUnavailable(ctx, model, 1);
      return;
    }
    ctx.next();
  }

  private static String model(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    return model != null ? model : ctx.pathParam("param0");
  }

  private static String mediaType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null) {
      return "";
    }
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  // ---- POST /v1/models/{model}/requests

  private void requests(RoutingContext ctx) {
    String model = model(ctx);
    boolean ndjson = NDJSON.equals(mediaType(ctx));
    byte[] body = body(ctx);
    long now = System.currentTimeMillis();
    prepare(model, now, decoder -> ndjson ? decoder.ndjson(body, now) : decoder.json(body, now), body.length)
        .onFailure(e -> decodeFailed(ctx, model, e))
        .onSuccess(prepared -> {
          if (!validBatch(ctx, model, prepared)) {
            return;
          }
          List<InferenceRequest> requests = prepared.batch().requests();
          int n = requests.size();
          if (!publisher.hasRoomFor(n)) {
            overloaded(ctx, model, n);
            return;
          }
          publisher.publish(Topics.requests(model), prepared.records())
              .onSuccess(v -> {
                count(model, ACCEPTED, n);
                ctx.response().setStatusCode(202).putHeader("Content-Type", JSON)
                    .end(new JsonObject().put("accepted", n)
                        .put("ids", new JsonArray(requests.stream().map(InferenceRequest::id).toList())).encode());
              })
              .onFailure(e -> {
                if (e instanceof RecordTooLargeException) {
                  tooLargeForKafka(ctx, model, n, e);
                  return;
                }
                if (e instanceof KafkaUnavailableException) {
                  kafkaUnavailable(ctx, model, n);
                  return;
                }
                count(model, FAILED, n);
                LOG.warn("Kafka did not acknowledge all of {} requests for model {}, answering 503: {}", n, model,
                    e.getMessage());
                unavailable(ctx, "kafka_unavailable",
                    "Kafka did not acknowledge every request, so none is promised; send them again");
              });
        });
  }

  // ---- POST /v1/models/{model}:predict and /v1/models/{model}/versions/{v}:predict

  private void predictVersion(RoutingContext ctx) {
    int version;
    try {
      version = Integer.parseInt(ctx.pathParam("param1"));
    } catch (NumberFormatException e) {
      version = 0;
    }
    if (version < 1) {
      HttpErrors.respond(ctx, 400, "invalid_version", "the version in the URL must be a positive whole number");
      return;
    }
    predict(ctx, version);
  }

  private void predict(RoutingContext ctx, Integer version) {
    String model = model(ctx);
    byte[] body = body(ctx);
    long now = System.currentTimeMillis();
    prepare(model, now, decoder -> decoder.predict(body, version, now), body.length)
        .onFailure(e -> decodeFailed(ctx, model, e))
        .onSuccess(prepared -> {
          if (!validBatch(ctx, model, prepared)) {
            return;
          }
          List<InferenceRequest> requests = prepared.batch().requests();
          int n = requests.size();
          String conflict = idConflict(requests);
          if (conflict != null) {
            count(model, INVALID, n);
            HttpErrors.respond(ctx, 409, "duplicate_id", conflict);
            return;
          }
          // Awaited answers are bounded like records in flight: each is a map entry until answered or timed out.
          if (!publisher.hasRoomFor(n) || results.expectedCount() + n > config.maxInFlight()) {
            overloaded(ctx, model, n);
            return;
          }
          new Prediction(ctx, model, requests, prepared.records()).start();
        });
  }

  /** Why these ids cannot be awaited, or null: an answer is matched to its call by request id. */
  private String idConflict(List<InferenceRequest> requests) {
    Set<String> seen = new HashSet<>();
    for (InferenceRequest request : requests) {
      if (!seen.add(request.id())) {
        return "id '" + request.id() + "' appears twice in this call; each instance needs its own id";
      }
      if (results.isExpected(request.id())) {
        return "id '" + request.id() + "' is already awaited by another :predict call";
      }
    }
    return null;
  }

  /** One :predict call: published requests whose answers it waits for, in instance order. */
  private final class Prediction {

    private final RoutingContext ctx;
    private final String model;
    private final List<InferenceRequest> requests;
    private final List<RequestPublisher.Record> records;
    private final Map<String, Integer> positions = new HashMap<>();
    private final InferenceResult[] answers;
    private final Consumer<InferenceResult> handler = this::answered;
    private int missing;
    private long timer;
    private boolean done;

    Prediction(RoutingContext ctx, String model, List<InferenceRequest> requests, List<RequestPublisher.Record> records) {
      this.ctx = ctx;
      this.model = model;
      this.requests = requests;
      this.records = records;
      this.answers = new InferenceResult[requests.size()];
      this.missing = requests.size();
    }

    void start() {
      for (int i = 0; i < requests.size(); i++) {
        positions.put(requests.get(i).id(), i);
        results.expect(requests.get(i).id(), handler);
      }
      timer = vertx.setTimer(config.predictTimeout().toMillis(), t -> timedOut());
      // Follow the results topic before publishing, so that no answer is written ahead of the consumer.
      results.follow(model)
          .compose(v -> done ? Future.succeededFuture() : publisher.publish(Topics.requests(model), records))
          .onFailure(this::failed);
    }

    private void answered(InferenceResult result) {
      Integer position = positions.get(result.id());
      if (done || position == null || answers[position] != null) {
        return;
      }
      answers[position] = result;
      if (--missing == 0) {
        finish();
        count(model, ACCEPTED, requests.size());
        JsonArray predictions = new JsonArray();
        for (InferenceResult answer : answers) {
          predictions.add(new JsonObject()
              .put("id", answer.id())
              .put("label", answer.label())
              .put("scores", new JsonObject(new LinkedHashMap<>(answer.scores())))
              .put("version", answer.version()));
        }
        ctx.json(new JsonObject().put("predictions", predictions));
      }
    }

    private void timedOut() {
      if (done) {
        return;
      }
      finish();
      count(model, TIMEOUT, requests.size());
      long ms = config.predictTimeout().toMillis();
      LOG.warn("A :predict call for model {} timed out after {} ms with {} of {} answers; is inference-service running?",
          model, ms, requests.size() - missing, requests.size());
      HttpErrors.respond(ctx, 504, "timeout", (requests.size() - missing) + " of " + requests.size()
          + " answers arrived within " + ms + " ms (MAAS_PREDICT_TIMEOUT_MS); the requests may still be answered on "
          + Topics.results(model));
    }

    private void failed(Throwable e) {
      if (done) {
        return;
      }
      finish();
      if (e instanceof RecordTooLargeException) {
        tooLargeForKafka(ctx, model, requests.size(), e);
        return;
      }
      if (e instanceof KafkaUnavailableException) {
        kafkaUnavailable(ctx, model, requests.size());
        return;
      }
      count(model, FAILED, requests.size());
      LOG.warn("A :predict call for model {} failed before its requests were published: {}", model, e.getMessage());
      unavailable(ctx, "kafka_unavailable", "the requests could not be published or their answers cannot be read: "
          + e.getMessage());
    }

    private void finish() {
      done = true;
      vertx.cancelTimer(timer);
      for (InferenceRequest request : requests) {
        results.forget(request.id(), handler);
      }
    }
  }

  // ---- shared steps

  /** A decoded body with the Kafka records it turns into: its requests when valid, else its dead letters. */
  private record Prepared(Batch batch, List<RequestPublisher.Record> records) {
  }

  private Future<Prepared> prepare(String model, long now, Function<BatchDecoder, Batch> decode, int bodyBytes) {
    Callable<Prepared> work = () -> {
      Batch batch = decode.apply(new BatchDecoder(model, config.maxTextBytes(), config.maxItems(),
          () -> UUID.randomUUID().toString()));
      List<RequestPublisher.Record> records = batch.valid()
          ? batch.requests().stream().map(r -> new RequestPublisher.Record(r.id(), r.toBuffer().getBytes())).toList()
          : batch.rejections().stream().map(r -> new RequestPublisher.Record(r.id(), DeadLetter.of(r.id(), model,
              STAGE, r.reason(), r.message(), r.payload(), now).toBuffer().getBytes())).toList();
      return new Prepared(batch, records);
    };
    if (bodyBytes > INLINE_DECODE_BYTES) {
      // Parsing and validating megabytes of JSON takes longer than the event loop may be held.
      return vertx.executeBlocking(work, false);
    }
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /** True when every item is valid; otherwise answers (400, after writing the dead letters) and returns false. */
  private boolean validBatch(RoutingContext ctx, String model, Prepared prepared) {
    Batch batch = prepared.batch();
    if (batch.size() == 0) {
      count(model, INVALID, 1);
      respond(ctx, 400, new JsonObject().put("error", "invalid_request")
          .put("message", "the body holds no requests").put("errors", new JsonArray()));
      return false;
    }
    if (batch.valid()) {
      return true;
    }
    List<Batch.Rejection> rejections = batch.rejections();
    // The dead letters are records in flight too; without room for them, the caller retries later.
    if (!publisher.hasRoomFor(rejections.size())) {
      overloaded(ctx, model, batch.size());
      return false;
    }
    count(model, INVALID, batch.size());
    JsonArray errors = new JsonArray();
    for (Batch.Rejection r : rejections) {
      JsonObject error = new JsonObject().put("index", r.index());
      if (r.line() != null) {
        error.put("line", r.line());
      }
      errors.add(error.put("id", r.id()).put("reason", r.reason().code()).put("message", r.message()));
    }
    JsonObject answer = new JsonObject()
        .put("error", "invalid_request")
        .put("message", rejections.size() + " of " + batch.size() + " requests are invalid, so none was published: "
            + rejections.get(0).message() + (rejections.size() > 1 ? " (and more, see errors)" : ""))
        .put("errors", errors);
    publisher.publish(Topics.DEAD_LETTERS, prepared.records()).onComplete(ar -> {
      if (ar.succeeded()) {
        rejections.forEach(r -> IngestMetrics.DEAD_LETTERS.labels(model, STAGE, r.reason().code()).inc());
      } else {
        LOG.warn("Could not write the dead letters of {} invalid requests for model {} to {}: {}", rejections.size(),
            model, Topics.DEAD_LETTERS, ar.cause().getMessage());
      }
      respond(ctx, 400, answer);
    });
    return false;
  }

  private void decodeFailed(RoutingContext ctx, String model, Throwable e) {
    if (e instanceof TooManyItemsException) {
      count(model, TOO_LARGE, 1);
      HttpErrors.respond(ctx, 413, "payload_too_large", e.getMessage() + " (MAAS_INGEST_MAX_ITEMS); send fewer per call");
      return;
    }
    LOG.error("Decoding a request body for model {} failed unexpectedly: {}", model, e.getMessage(), e);
    HttpErrors.respond(ctx, 500, "internal_error", "ingest failed to decode the body: " + e.getMessage());
  }

  /** Failures raised by handlers, among them the body handler's 413. */
  private void failed(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    if (ctx.statusCode() == 413) {
      count(model(ctx), TOO_LARGE, 1);
      HttpErrors.respond(ctx, 413, "payload_too_large",
          "the body is larger than " + config.maxBodyBytes() + " bytes (MAAS_INGEST_MAX_BODY_BYTES); send fewer per call");
      return;
    }
    int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
    if (status == 500) {
      LOG.error("Handling {} {} failed: {}", ctx.request().method(), ctx.request().path(),
          ctx.failure() == null ? "unknown cause" : ctx.failure().getMessage(), ctx.failure());
    }
    HttpErrors.respond(ctx, status, status == 500 ? "internal_error" : "request_failed",
        "ingest could not handle the request (status " + status + ")");
  }

  /** The topic's (or broker's) record size limit is below what MAAS_MAX_TEXT_BYTES lets through. */
  private static void tooLargeForKafka(RoutingContext ctx, String model, int items, Throwable e) {
    count(model, TOO_LARGE, items);
    LOG.warn("Kafka refused a request for model {} as too large; raise max.message.bytes of {} or lower "
        + "MAAS_MAX_TEXT_BYTES: {}", model, Topics.requests(model), e.getMessage());
    HttpErrors.respond(ctx, 413, "payload_too_large", "a request is larger than Kafka accepts for model '" + model
        + "', so none is promised: " + e.getMessage());
  }

  private void overloaded(RoutingContext ctx, String model, int items) {
    count(model, OVERLOADED, items);
    ctx.response().putHeader(RETRY_AFTER, "1");
    HttpErrors.respond(ctx, 429, "overloaded", "ingest has " + publisher.inFlight()
        + " records awaiting Kafka's acknowledgement and " + results.expectedCount() + " answers awaited (limit "
        + config.maxInFlight() + ", MAAS_INGEST_MAX_IN_FLIGHT); retry in a second");
  }

  /**
   * Kafka is known unreachable: nothing of this call is promised. Not logged per call: KafkaHealth
   * logs the outage once.
   */
  private void kafkaUnavailable(RoutingContext ctx, String model, int items) {
    count(model, FAILED, items);
    ctx.response().putHeader(RETRY_AFTER, KAFKA_RETRY_AFTER_SECONDS);
    HttpErrors.respond(ctx, 503, "kafka_unavailable", "Kafka at " + clients.bootstrapServers()
        + " has been unreachable since " + Instant.ofEpochMilli(kafka.health().sinceMillis())
        + ", so none of these requests is promised; send them again in " + KAFKA_RETRY_AFTER_SECONDS + " s");
  }

  private static void unavailable(RoutingContext ctx, String reason, String message) {
    ctx.response().putHeader(RETRY_AFTER, "1");
    HttpErrors.respond(ctx, 503, reason, message);
  }

  private static void respond(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
  }

  private static byte[] body(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    return buffer == null ? new byte[0] : buffer.getBytes();
  }
}
