package io.maas.inference.worker;

import io.maas.common.event.Role;
import io.maas.inference.model.ModelManager;
import io.maas.inference.model.ServedModel;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import java.util.List;

/** The inference service's Prometheus families, registered once per JVM, and the removal of a retired version's series. */
public final class InferenceMetrics {

  static final Counter REQUESTS =
      Counter.build(
              "maas_inference_requests_total",
              "Requests the inference service finished, by version, role and outcome (ok, dead_letter, error)")
          .labelNames("model", "version", "role", "outcome")
          .register();
  static final Histogram BATCH_SIZE =
      Histogram.build("maas_inference_batch_size", "Requests per model call")
          .labelNames("model")
          .buckets(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
          .register();
  static final Histogram BATCH_SECONDS =
      Histogram.build("maas_inference_batch_seconds", "Model compute per batch")
          .labelNames("model", "version")
          .exponentialBuckets(0.0001, 2, 16)
          .register();
  static final Histogram QUEUE_SECONDS =
      Histogram.build(
              "maas_inference_queue_seconds", "Time a request waited in this service for its batch")
          .labelNames("model")
          .exponentialBuckets(0.0001, 2, 16)
          .register();
  static final Histogram E2E_SECONDS =
      Histogram.build(
              "maas_e2e_latency_seconds", "From a request's ingestedAt to its result's completedAt")
          .labelNames("model", "version")
          .buckets(.001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5, 10, 30, 60)
          .register();
  static final Counter PREDICTIONS =
      Counter.build("maas_predictions_total", "Results by the label predicted, every role")
          .labelNames("model", "version", "label")
          .register();
  private static final List<String> OUTCOMES = List.of("ok", "dead_letter", "error");

  private InferenceMetrics() {}

  /**
   * Drops the series of a version that has closed ({@link ModelManager#onUnloaded}): a retired
   * version's labels must not linger, and nothing writes them once its last batch is done.
   */
  public static void forget(ServedModel served) {
    String model = served.model();
    String version = String.valueOf(served.version());
    for (Role role : Role.values()) {
      for (String outcome : OUTCOMES) {
        REQUESTS.remove(model, version, role.code(), outcome);
      }
    }
    BATCH_SECONDS.remove(model, version);
    E2E_SECONDS.remove(model, version);
    for (String label : served.classes()) {
      PREDICTIONS.remove(model, version, label);
    }
  }
}
