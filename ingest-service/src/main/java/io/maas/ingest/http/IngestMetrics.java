package io.maas.ingest.http;

import io.maas.common.metrics.MaasMetrics;
import io.prometheus.client.Counter;

/** The ingest service's Prometheus families, registered once in the default registry. */
final class IngestMetrics {

  /**
   * {@code maas_ingest_requests_total{model,outcome}}: items of {@code /requests} and {@code :predict}
   * calls by what became of them. Outcomes: accepted (published, and for :predict answered),
   * invalid, unknown_model, too_large, overloaded (429, and 503 before the deployments are read),
   * failed (Kafka did not acknowledge, or was unreachable: 503), timeout (:predict). A call whose items were not counted
   * (unknown model, wrong content type, a body over a limit) counts once. Calls naming an invalid
   * model are not counted: they have no model to label.
   */
  static final Counter REQUESTS = Counter.build()
      .name("maas_ingest_requests")
      .help("Items received by ingest-service, by model and outcome")
      .labelNames("model", "outcome")
      .register();

  /** {@code maas_dead_letters_total{model,stage,reason}}, shared with the inference service. */
  static final Counter DEAD_LETTERS = MaasMetrics.DEAD_LETTERS;

  static final String ACCEPTED = "accepted";
  static final String INVALID = "invalid";
  static final String UNKNOWN_MODEL = "unknown_model";
  static final String TOO_LARGE = "too_large";
  static final String OVERLOADED = "overloaded";
  static final String FAILED = "failed";
  static final String TIMEOUT = "timeout";
  static final String UNAUTHORIZED = "unauthorized";

  private IngestMetrics() {
  }

  /** Registers the families now, so that /metrics names them before the first request. */
  static void register() {
    // loading the class registers them
  }

  static void count(String model, String outcome, int items) {
    if (items > 0) {
      REQUESTS.labels(model, outcome).inc(items);
    }
  }
}
