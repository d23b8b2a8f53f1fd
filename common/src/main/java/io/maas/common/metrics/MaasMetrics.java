package io.maas.common.metrics;

import io.prometheus.client.Counter;

/**
 * Metric families more than one service writes. Registered once per JVM in the default
 * registry (tests run several services in one JVM).
 */
public final class MaasMetrics {

  /** {@code maas_dead_letters_total{model,stage,reason}}: every dead letter published. */
  public static final Counter DEAD_LETTERS = Counter.build("maas_dead_letters_total",
      "Requests rejected or failed, by the stage that dead-lettered them and the reason code")
      .labelNames("model", "stage", "reason").register();

  private MaasMetrics() {
  }
}
