package io.maas.common.metrics;

import io.maas.common.runtime.BuildInfo;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

/**
 * Metric families more than one service writes. Registered once per JVM in the default
 * registry (tests run several services in one JVM).
 */
public final class MaasMetrics {

  /** {@code maas_dead_letters_total{model,stage,reason}}: every dead letter published. */
  public static final Counter DEAD_LETTERS =
      Counter.build(
              "maas_dead_letters_total",
              "Requests rejected or failed, by the stage that dead-lettered them and the reason code")
          .labelNames("model", "stage", "reason")
          .register();

  /**
   * {@code maas_consumer_lag{group,topic}}: records of the topic not yet processed, on the
   * partitions this process's consumer of the group is assigned (a group's lag is the sum over
   * its members).
   */
  public static final Gauge CONSUMER_LAG =
      Gauge.build(
              "maas_consumer_lag",
              "Records not yet processed on the partitions this consumer is assigned, by group and topic")
          .labelNames("group", "topic")
          .register();

  /**
   * {@code maas_consumer_lag_seconds{group,topic}}: age of the oldest record not yet processed on
   * those partitions; 0 when caught up, so an idle topic reads 0, not "stopped".
   */
  public static final Gauge CONSUMER_LAG_SECONDS =
      Gauge.build(
              "maas_consumer_lag_seconds",
              "Age of the oldest record not yet processed on the partitions this consumer is assigned, by group and topic")
          .labelNames("group", "topic")
          .register();

  /**
   * {@code maas_build_info{version,revision}}: 1, labelled with the running build's Maven version
   * and source revision. The revision is what the build was given as {@code -Dmaas.revision=}
   * (for example {@code $(git rev-parse --short HEAD)}), "unknown" otherwise.
   */
  public static final Gauge BUILD_INFO =
      Gauge.build(
              "maas_build_info",
              "Always 1; the labels name the running build's version and source revision")
          .labelNames("version", "revision")
          .register();

  private MaasMetrics() {}

  /** Sets {@link #BUILD_INFO}'s one series; every service's {@code /metrics} route calls it, and more than once is harmless. */
  public static void exportBuildInfo() {
    BuildInfo build = BuildInfo.current();
    BUILD_INFO.labels(build.version(), build.revision()).set(1);
  }
}
