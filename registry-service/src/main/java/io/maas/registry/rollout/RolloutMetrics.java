package io.maas.registry.rollout;

import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

/**
 * The rollouts' Prometheus families, registered once in the default registry when {@link
 * RolloutController} is initialised: exported, empty, from the registry's start, as the alert
 * rules that name them expect ({@code .ci/check-ops}), not from the first rollout on.
 */
final class RolloutMetrics {

  static final RolloutMetrics INSTANCE = new RolloutMetrics();

  private final Counter ended =
      Counter.build(
              "maas_rollouts_total",
              "Progressive rollouts that ended, by how (promoted, rolled_back, aborted)")
          .labelNames("model", "state")
          .register();
  private final Gauge weight =
      Gauge.build(
              "maas_rollout_canary_weight", "The canary weight of the step a running rollout is at")
          .labelNames("model", "version")
          .register();

  private RolloutMetrics() {}

  /** A running rollout's weight series shows its step; an ended one's goes, and its end is counted. */
  void record(Rollout r) {
    String version = String.valueOf(r.plan().version());
    if (r.running()) {
      weight.labels(r.model(), version).set(r.step());
    } else {
      weight.remove(r.model(), version);
      ended.labels(r.model(), r.state().code()).inc();
    }
  }
}
