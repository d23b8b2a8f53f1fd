package io.maas.ingest.core;

import static io.maas.ingest.core.IngestMetrics.FAILED;
import static io.maas.ingest.core.IngestMetrics.OVERLOADED;
import static io.maas.ingest.core.IngestMetrics.TOO_LARGE;
import static io.maas.ingest.core.IngestMetrics.UNAUTHORIZED;
import static io.maas.ingest.core.IngestMetrics.UNKNOWN_MODEL;
import static io.maas.ingest.core.IngestMetrics.count;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Names;
import io.maas.common.http.ApiError;
import io.maas.common.http.ApiException;
import io.maas.common.http.BearerTokens;
import io.maas.common.kafka.KafkaHealth;
import io.maas.common.kafka.Topics;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.kafka.RequestPublisher;
import io.maas.ingest.kafka.ResultFollower;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ingest refuses, and how: the checks before a body is read (token, model name, content
 * type, deployments read, model known, Kafka reachable) and the refusals of a call that cannot be
 * promised (overload, Kafka unreachable, a record Kafka finds too large). Each refusal is counted
 * in {@code maas_ingest_requests_total} for its model and answered with its {@link ApiError}, over
 * HTTP as its status and over gRPC as the matching gRPC status. Confined to the ingest verticle's
 * event loop.
 */
public final class Admission {

  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
  private static final String RETRY_AFTER = "Retry-After";

  /** Seconds a client is asked to wait while Kafka is unreachable: a broker takes seconds to come back. */
  private static final String KAFKA_RETRY_AFTER_SECONDS = "5";

  private final IngestConfig config;
  private final BearerTokens producerTokens;
  private final String bootstrapServers;
  private final KafkaHealth health;
  private final Map<String, ModelDeployment> deployments;
  private final BooleanSupplier deploymentsRead;
  private final RequestPublisher publisher;
  private final ResultFollower results;

  public Admission(
      IngestConfig config,
      String bootstrapServers,
      KafkaHealth health,
      Map<String, ModelDeployment> deployments,
      BooleanSupplier deploymentsRead,
      RequestPublisher publisher,
      ResultFollower results) {
    this.config = config;
    this.producerTokens = BearerTokens.of(config.producerTokens());
    this.bootstrapServers = bootstrapServers;
    this.health = health;
    this.deployments = deployments;
    this.deploymentsRead = deploymentsRead;
    this.publisher = publisher;
    this.results = results;
  }

  /**
   * With MAAS_INGEST_TOKENS set, only producers that send one of them ({@code authorization}: the
   * caller's {@code Authorization} header or gRPC metadata, or null).
   */
  public void authorize(String model, String authorization) {
    if (producerTokens.isEmpty() || producerTokens.accepts(authorization)) {
      return;
    }
    // a caller without a token names no series: only models that exist get one
    count(deployments.containsKey(model) ? model : "", UNAUTHORIZED, 1);
    throw ApiError.UNAUTHORIZED
        .because(
            "send 'Authorization: Bearer <token>' with one of the tokens in "
                + "ingest's MAAS_INGEST_TOKENS")
        .withHeader("WWW-Authenticate", "Bearer");
  }

  /** Refuses a model name that cannot name a model; checked before anything is counted for it. */
  public void requireValidName(String model) {
    if (!Names.isValidModel(model)) {
      throw ApiError.INVALID_MODEL.because(
          "model names match [a-z0-9][a-z0-9-]{0,62}, got '" + model + "'");
    }
  }

  /**
   * Refuses what can be refused before a call's content is read: deployments not read yet, a
   * model without a production version, Kafka unreachable. Returns the model's deployment.
   */
  public ModelDeployment admit(String model) {
    if (!deploymentsRead.getAsBoolean()) {
      count(model, OVERLOADED, 1);
      throw ApiError.NOT_READY
          .because("ingest is still reading the model deployments on " + Topics.MODELS)
          .withHeader(RETRY_AFTER, "2");
    }
    ModelDeployment deployment = deployments.get(model);
    if (deployment == null || deployment.production() == null) {
      count(model, UNKNOWN_MODEL, 1);
      throw ApiError.UNKNOWN_MODEL.because(
          "model '" + model + "' has no production version deployed");
    }
    if (!health.reachable()) {
      throw kafkaUnavailable(model, 1);
    }
    return deployment;
  }

  /** Whether {@code items} more records and awaited answers fit under MAAS_INGEST_MAX_IN_FLIGHT. */
  public boolean hasRoomFor(int items, boolean awaited) {
    return publisher.hasRoomFor(items)
        && (!awaited || results.expectedCount() + items <= config.maxInFlight());
  }

  /** No room for {@code items} more records or awaited answers. */
  public ApiException overloaded(String model, int items) {
    count(model, OVERLOADED, items);
    return ApiError.OVERLOADED
        .because(
            "ingest has "
                + publisher.inFlight()
                + " records awaiting Kafka's acknowledgement and "
                + results.expectedCount()
                + " answers awaited (limit "
                + config.maxInFlight()
                + ", MAAS_INGEST_MAX_IN_FLIGHT); "
                + "retry in a second")
        .withHeader(RETRY_AFTER, "1");
  }

  /**
   * Kafka is known unreachable: nothing of this call is promised. Not logged per call: KafkaHealth
   * logs the outage once.
   */
  public ApiException kafkaUnavailable(String model, int items) {
    count(model, FAILED, items);
    return ApiError.KAFKA_UNAVAILABLE
        .because(
            "Kafka at "
                + bootstrapServers
                + " has been unreachable since "
                + Instant.ofEpochMilli(health.sinceMillis())
                + ", so none of these requests is promised; send them again in "
                + KAFKA_RETRY_AFTER_SECONDS
                + " s")
        .withHeader(RETRY_AFTER, KAFKA_RETRY_AFTER_SECONDS);
  }

  /** Kafka did not acknowledge every record of the call, for a reason other than the two above. */
  public ApiException notAcknowledged(String model, int items, String message) {
    count(model, FAILED, items);
    return ApiError.KAFKA_UNAVAILABLE.because(message).withHeader(RETRY_AFTER, "1");
  }

  /** The topic's (or broker's) record size limit is below what MAAS_MAX_TEXT_BYTES lets through. */
  public ApiException tooLargeForKafka(String model, int items, Throwable e) {
    count(model, TOO_LARGE, items);
    LOG.warn(
        "Kafka refused a request for model {} as too large; raise max.message.bytes of {} or lower "
            + "MAAS_MAX_TEXT_BYTES: {}",
        model,
        Topics.requests(model),
        e.getMessage());
    return ApiError.PAYLOAD_TOO_LARGE.because(
        "a request is larger than Kafka accepts for model '"
            + model
            + "', so none is promised: "
            + e.getMessage());
  }
}
