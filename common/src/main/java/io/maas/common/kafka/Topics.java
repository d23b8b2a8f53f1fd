package io.maas.common.kafka;

import io.maas.common.event.Names;
import java.util.Map;

/** The contract's topic names (docs/CONTRACT.md, "Topics"), and the specs their owners create them with. */
public final class Topics {

  /** Every rejected or failed request, keyed by request id (or null). */
  public static final String DEAD_LETTERS = "maas.dlq";

  /** Desired state of each model (compacted, key = model name). */
  public static final String MODELS = "maas.models";

  /** The monitor's verdicts (compacted, key = model/version/check): drift state changes. */
  public static final String MONITOR = "maas.monitor";

  /** The registry's own event-sourced state (compacted, key = model/version). Internal. */
  public static final String REGISTRY = "maas.registry";

  /** Default partition count of a model's request topic. */
  public static final int DEFAULT_REQUEST_PARTITIONS = 6;

  private static final String REQUESTS_PREFIX = "maas.requests.";
  private static final String RESULTS_PREFIX = "maas.results.";
  private static final String SHADOW_PREFIX = "maas.shadow.";
  private static final String FEEDBACK_PREFIX = "maas.feedback.";

  private Topics() {}

  public static String requests(String model) {
    return REQUESTS_PREFIX + Names.requireModel(model);
  }

  public static String results(String model) {
    return RESULTS_PREFIX + Names.requireModel(model);
  }

  public static String shadow(String model) {
    return SHADOW_PREFIX + Names.requireModel(model);
  }

  /** Optional ground truth from users, {@code {"id","label"}} keyed by request id. */
  public static String feedback(String model) {
    return FEEDBACK_PREFIX + Names.requireModel(model);
  }

  /** The model a {@code maas.requests.<model>} topic is for, or null for any other topic. */
  public static String modelOfRequests(String topic) {
    if (topic.startsWith(REQUESTS_PREFIX)) {
      String model = topic.substring(REQUESTS_PREFIX.length());
      return Names.isValidModel(model) ? model : null;
    }
    return null;
  }

  public static TopicSpec modelsSpec() {
    return new TopicSpec(MODELS, 1, compacted());
  }

  public static TopicSpec registrySpec() {
    return new TopicSpec(REGISTRY, 1, compacted());
  }

  public static TopicSpec monitorSpec() {
    return new TopicSpec(MONITOR, 1, compacted());
  }

  public static TopicSpec deadLettersSpec() {
    return new TopicSpec(
        DEAD_LETTERS, 3, Map.of("retention.ms", String.valueOf(14L * 24 * 3600 * 1000)));
  }

  /**
   * The data topics of one model: requests, results and shadow answers kept as {@code retention}
   * says, ground truth by the broker's default.
   */
  public static java.util.List<TopicSpec> modelSpecs(
      String model, int partitions, Retention retention) {
    Map<String, String> kept = retention.configs();
    Map<String, String> requests = new java.util.HashMap<>(kept);
    // a request may carry 1 MiB of text, which JSON escaping can double
    requests.put("max.message.bytes", String.valueOf(4 * 1024 * 1024));
    return java.util.List.of(
        new TopicSpec(requests(model), partitions, requests),
        new TopicSpec(results(model), partitions, kept),
        new TopicSpec(shadow(model), partitions, kept),
        new TopicSpec(feedback(model), partitions, Map.of()));
  }

  private static Map<String, String> compacted() {
    // Compacted state topics keep the latest value per key forever; a small segment lets
    // the cleaner run on a quiet topic too.
    return Map.of(
        "cleanup.policy", "compact", "min.compaction.lag.ms", "0", "segment.ms", "3600000");
  }
}
