package io.maas.ingest.config;

import io.maas.common.config.ConfigException;
import io.maas.common.config.MaasConfig;
import io.maas.common.config.Settings;
import io.maas.common.event.InferenceRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingest service's settings: the shared ones, plus the limits that keep one client from
 * taking all of the service's memory.
 *
 * @param maxTextBytes   {@code MAAS_MAX_TEXT_BYTES}: longest text of one request, in bytes of UTF-8
 *                       (default 1 MiB); longer is refused with {@code text_too_long}
 * @param maxBodyBytes   {@code MAAS_INGEST_MAX_BODY_BYTES}: largest HTTP body (default 16 MiB); larger is 413
 * @param maxItems       {@code MAAS_INGEST_MAX_ITEMS}: most requests in one HTTP body (default 10,000); more is 413
 * @param maxInFlight    {@code MAAS_INGEST_MAX_IN_FLIGHT}: records handed to Kafka but not yet acknowledged,
 *                       and :predict answers awaited (default 20,000); a request that would pass it gets 429
 *                       with {@code Retry-After: 1}. At least {@code MAAS_INGEST_MAX_ITEMS}.
 * @param predictTimeout {@code MAAS_PREDICT_TIMEOUT_MS}: how long {@code :predict} waits for every answer
 *                       (default 10 s) before it gives up with 504
 * @param deliveryTimeout {@code MAAS_INGEST_DELIVERY_TIMEOUT_MS}: how long a record may wait for Kafka's
 *                       acknowledgement (the producer's {@code delivery.timeout.ms}, default 15 s, Kafka's own
 *                       is 2 minutes) before its call is answered 503 {@code kafka_unavailable}: the longest an
 *                       HTTP client waits on a broker that is reachable but does not acknowledge. While the
 *                       broker is known unreachable, calls are refused at once.
 * @param producerTokens {@code MAAS_INGEST_TOKENS}: bearer tokens producers must send, separated by commas,
 *                       each at least 16 characters (default none: no token asked); without one the
 *                       request endpoints answer 401
 * @param grpcPort       {@code MAAS_GRPC_PORT}: TensorFlow Serving's gRPC API (default 8500; 0 picks a free port)
 */
public record IngestConfig(
    MaasConfig maas,
    int maxTextBytes,
    long maxBodyBytes,
    int maxItems,
    int maxInFlight,
    Duration predictTimeout,
    Duration deliveryTimeout,
    List<String> producerTokens,
    int grpcPort) {

  public static final String MAX_TEXT_BYTES = "MAAS_MAX_TEXT_BYTES";
  public static final String MAX_BODY_BYTES = "MAAS_INGEST_MAX_BODY_BYTES";
  public static final String MAX_ITEMS = "MAAS_INGEST_MAX_ITEMS";
  public static final String MAX_IN_FLIGHT = "MAAS_INGEST_MAX_IN_FLIGHT";
  public static final String PREDICT_TIMEOUT_MS = "MAAS_PREDICT_TIMEOUT_MS";
  public static final String TOKENS = "MAAS_INGEST_TOKENS";
  static final int MIN_TOKEN_LENGTH = 16;
  public static final String DELIVERY_TIMEOUT_MS = "MAAS_INGEST_DELIVERY_TIMEOUT_MS";
  public static final String GRPC_PORT = "MAAS_GRPC_PORT";

  /** {@link MaasConfig#DEFAULTS} and the ingest limits. */
  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> defaults = new HashMap<>(MaasConfig.DEFAULTS);
    defaults.put(MAX_TEXT_BYTES, String.valueOf(InferenceRequest.DEFAULT_MAX_TEXT_BYTES));
    defaults.put(MAX_BODY_BYTES, String.valueOf(16L * 1024 * 1024));
    defaults.put(MAX_ITEMS, "10000");
    defaults.put(MAX_IN_FLIGHT, "20000");
    defaults.put(PREDICT_TIMEOUT_MS, "10000");
    defaults.put(DELIVERY_TIMEOUT_MS, "15000");
    defaults.put(GRPC_PORT, "8500");
    DEFAULTS = Map.copyOf(defaults);
  }

  public static IngestConfig from(Settings settings) {
    int maxItems = settings.integer(MAX_ITEMS, 1, 1_000_000);
    int maxInFlight = settings.integer(MAX_IN_FLIGHT, 1, 10_000_000);
    if (maxInFlight < maxItems) {
      // Otherwise a full-size request could never be taken, however idle the service.
      throw new ConfigException(
          MAX_IN_FLIGHT,
          MAX_IN_FLIGHT
              + " must be at least "
              + MAX_ITEMS
              + " ("
              + maxItems
              + "), got "
              + maxInFlight);
    }
    return new IngestConfig(
        MaasConfig.from(settings),
        settings.integer(MAX_TEXT_BYTES, 1, Integer.MAX_VALUE),
        // Vert.x holds a body in one buffer, which an int indexes.
        settings.longValue(MAX_BODY_BYTES, 1024, Integer.MAX_VALUE),
        maxItems,
        maxInFlight,
        Duration.ofMillis(settings.longValue(PREDICT_TIMEOUT_MS, 1, 3_600_000)),
        // below a second, a produce request has no time for one round trip under load
        Duration.ofMillis(settings.longValue(DELIVERY_TIMEOUT_MS, 1_000, 600_000)),
        tokens(settings),
        settings.integer(GRPC_PORT, 0, 65_535));
  }

  private static List<String> tokens(Settings settings) {
    List<String> tokens =
        settings.optional(TOKENS).stream()
            .flatMap(value -> Arrays.stream(value.split(",", -1)))
            .map(String::trim)
            .toList();
    for (int i = 0; i < tokens.size(); i++) {
      // the position only: a token is a secret, even a bad one
      if (tokens.get(i).length() < MIN_TOKEN_LENGTH) {
        throw new ConfigException(
            TOKENS,
            TOKENS
                + " holds tokens separated by commas, each at least "
                + MIN_TOKEN_LENGTH
                + " characters; token "
                + (i + 1)
                + " of "
                + tokens.size()
                + " is "
                + (tokens.get(i).isEmpty() ? "empty" : "shorter"));
      }
    }
    return tokens;
  }

  @Override
  public String toString() {
    return "IngestConfig["
        + maas
        + ", maxTextBytes="
        + maxTextBytes
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", maxItems="
        + maxItems
        + ", maxInFlight="
        + maxInFlight
        + ", predictTimeout="
        + predictTimeout
        + ", deliveryTimeout="
        + deliveryTimeout
        + ", producerTokens="
        + producerTokens.size()
        + ", grpcPort="
        + grpcPort
        + "]";
  }

  public int port() {
    return maas.ingestPort();
  }
}
