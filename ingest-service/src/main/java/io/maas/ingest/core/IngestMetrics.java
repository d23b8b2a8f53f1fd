package io.maas.ingest.core;

import io.maas.common.metrics.MaasMetrics;
import io.prometheus.client.Counter;

/** The ingest service's Prometheus families, registered once in the default registry. */
public final class IngestMetrics {

  /**
   * {@code maas_ingest_requests_total{model,outcome}}: items of {@code /requests} and {@code :predict}
   * calls by what became of them. Outcomes: accepted (published, and for :predict answered),
   * invalid, unknown_model, too_large, overloaded (429, and 503 before the deployments are read),
   * failed (Kafka did not acknowledge, or was unreachable: 503), timeout (:predict). A call whose items were not counted
   * (unknown model, wrong content type, a body over a limit) counts once. Calls naming an invalid
   * model are not counted: they have no model to label.
   */
  public static final Counter REQUESTS =
      Counter.build()
          .name("maas_ingest_requests")
          .help("Items received by ingest-service, by model and outcome")
          .labelNames("model", "outcome")
          .register();

  /** {@code maas_dead_letters_total{model,stage,reason}}, shared with the inference service. */
  public static final Counter DEAD_LETTERS = MaasMetrics.DEAD_LETTERS;

  public static final String ACCEPTED = "accepted";
  public static final String INVALID = "invalid";
  public static final String UNKNOWN_MODEL = "unknown_model";
  public static final String TOO_LARGE = "too_large";
  public static final String OVERLOADED = "overloaded";
  public static final String FAILED = "failed";
  public static final String TIMEOUT = "timeout";
  public static final String UNAUTHORIZED = "unauthorized";

  private IngestMetrics() {}

  /** Registers the families now, so that /metrics names them before the first request. */
  public static void register() {
    // loading the class registers them
  }

  public static void count(String model, String outcome, int items) {
    if (items > 0) {
      REQUESTS.labels(model, outcome).inc(items);
    }
  }
}
