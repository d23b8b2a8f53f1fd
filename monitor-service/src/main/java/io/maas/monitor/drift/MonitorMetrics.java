package io.maas.monitor.drift;

import io.maas.monitor.lag.LagStatus;
import io.maas.monitor.lag.LagView;
import io.maas.monitor.window.Windows.VersionVerdict;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitor's verdicts as Prometheus gauges, read from the latest snapshot at each scrape, so
 * that a version that is no longer deployed and has no answers in the window has no series.
 * Registered once per JVM; the last monitor started in it publishes its snapshots.
 */
public final class MonitorMetrics extends Collector {

  private static final MonitorMetrics INSTANCE =
      new MonitorMetrics().register(CollectorRegistry.defaultRegistry);

  private volatile List<VersionVerdict> verdicts = List.of();
  private volatile LagView lag = LagView.NONE;

  private MonitorMetrics() {}

  public static void publish(List<VersionVerdict> verdicts, LagView lag) {
    INSTANCE.verdicts = List.copyOf(verdicts);
    INSTANCE.lag = lag;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    GaugeMetricFamily drift =
        new GaugeMetricFamily(
            "maas_prediction_drift",
            "Largest PSI of a version's drift checks over the monitor's window (judged windows only)",
            List.of("model", "version"));
    GaugeMetricFamily drifted =
        new GaugeMetricFamily(
            "maas_prediction_drift_detected",
            "1 when a drift check of the version reached its threshold over the monitor's window",
            List.of("model", "version"));
    GaugeMetricFamily accuracy =
        new GaugeMetricFamily(
            "maas_estimated_accuracy",
            "Label-free accuracy estimate of a version over the monitor's window (CBPE from its calibration table)",
            List.of("model", "version"));
    GaugeMetricFamily agreement =
        new GaugeMetricFamily(
            "maas_agreement",
            "Share of a canary's or shadow's answers equal to production's for the same ids, over the monitor's window",
            List.of("model", "version", "role"));
    GaugeMetricFamily results =
        new GaugeMetricFamily(
            "maas_monitor_window_results",
            "Answers of a version in the monitor's window",
            List.of("model", "version", "role"));
    for (VersionVerdict v : verdicts) {
      List<String> labels = List.of(v.model(), String.valueOf(v.version()));
      results.addMetric(List.of(v.model(), String.valueOf(v.version()), v.role()), v.results());
      if (v.drift().judged()) {
        drift.addMetric(labels, v.drift().score());
        drifted.addMetric(labels, v.drift().drifted() ? 1 : 0);
      }
      if (!Double.isNaN(v.estimatedAccuracy())) {
        accuracy.addMetric(labels, v.estimatedAccuracy());
      }
      if (v.agreement() != null) {
        agreement.addMetric(
            List.of(v.model(), String.valueOf(v.version()), v.role()), v.agreement());
      }
    }
    GaugeMetricFamily groupLag =
        new GaugeMetricFamily(
            "maas_monitor_group_lag",
            "Records a consumer group has not committed on a maas topic, seen from outside",
            List.of("group", "topic"));
    GaugeMetricFamily groupSeconds =
        new GaugeMetricFamily(
            "maas_monitor_group_lag_seconds",
            "Age of a consumer group's oldest uncommitted record on a maas topic (0 when caught up)",
            List.of("group", "topic"));
    GaugeMetricFamily committed =
        new GaugeMetricFamily(
            "maas_monitor_group_committed_offset",
            "Sum of a consumer group's committed offsets on a maas topic; only grows: its rate is records consumed",
            List.of("group", "topic"));
    GaugeMetricFamily end =
        new GaugeMetricFamily(
            "maas_monitor_topic_end_offset",
            "Sum of the log end offsets of a maas topic some group consumes; only grows: its rate is records written",
            List.of("topic"));
    java.util.Map<String, Long> ends = new java.util.TreeMap<>();
    GaugeMetricFamily status =
        new GaugeMetricFamily(
            "maas_monitor_group_status",
            "1 for a consumer group's current status (OK, WARN, STALL, STOP)",
            List.of("group", "status"));
    lag.groups()
        .forEach(
            (group, g) -> {
              g.topics()
                  .forEach(
                      (topic, t) -> {
                        groupLag.addMetric(List.of(group, topic), t.records());
                        groupSeconds.addMetric(List.of(group, topic), t.seconds());
                        committed.addMetric(List.of(group, topic), t.committed());
                        ends.merge(topic, t.end(), Math::max);
                      });
              for (LagStatus s : LagStatus.values()) {
                status.addMetric(List.of(group, s.name()), s == g.status() ? 1 : 0);
              }
            });
    ends.forEach((topic, offset) -> end.addMetric(List.of(topic), offset));
    List<MetricFamilySamples> families = new ArrayList<>();
    families.add(drift);
    families.add(drifted);
    families.add(accuracy);
    families.add(agreement);
    families.add(results);
    families.add(groupLag);
    families.add(groupSeconds);
    families.add(status);
    families.add(committed);
    families.add(end);
    return families;
  }
}
