package io.maas.registry.rollout;

import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

/** The rollouts' Prometheus families, registered once in the default registry. */
final class RolloutMetrics {

  static final Counter ENDED =
      Counter.build(
              "maas_rollouts_total",
              "Progressive rollouts that ended, by how (promoted, rolled_back, aborted)")
          .labelNames("model", "state")
          .register();
  static final Gauge WEIGHT =
      Gauge.build(
              "maas_rollout_canary_weight", "The canary weight of the step a running rollout is at")
          .labelNames("model", "version")
          .register();

  private RolloutMetrics() {}

  /** A running rollout's weight series shows its step; an ended one's goes, and its end is counted. */
  static void record(Rollout r) {
    String version = String.valueOf(r.plan().version());
    if (r.running()) {
      WEIGHT.labels(r.model(), version).set(r.step());
    } else {
      WEIGHT.remove(r.model(), version);
      ENDED.labels(r.model(), r.state().code()).inc();
    }
  }
}
