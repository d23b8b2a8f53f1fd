package io.maas.monitor.config;

import io.maas.common.config.MaasConfig;
import io.maas.common.config.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The monitor's settings.
 *
 * @param groupId         {@code MAAS_MONITOR_GROUP}, the monitor's consumer group (default maas-monitor); one
 *                        instance per group: every instance must read every answer
 * @param window          {@code MAAS_MONITOR_WINDOW}, the window of {@code /v1/summary} without {@code ?window=},
 *                        of the drift verdicts and the gauges (default PT5M, from PT10S to PT1H)
 * @param psiThreshold    {@code MAAS_MONITOR_DRIFT_PSI}, PSI at which a drift check fires (default 0.2)
 * @param jsThreshold     {@code MAAS_MONITOR_DRIFT_JS}, Jensen-Shannon distance at which a check fires (default 0.1)
 * @param minResults      {@code MAAS_MONITOR_DRIFT_MIN_RESULTS}, answers a window needs to be judged (default 500)
 * @param profileResults  {@code MAAS_MONITOR_PROFILE_RESULTS}, first answers a version without a training
 *                        profile is profiled on (default 1000)
 * @param answersCapacity {@code MAAS_MONITOR_ANSWERS}, request ids per model remembered for agreement and
 *                        ground truth (default 200000, about 30 MB)
 * @param lagWarnSeconds  {@code MAAS_MONITOR_LAG_WARN_SECONDS}, age of a group's oldest unprocessed record that
 *                        warns (default 30)
 * @param lagStall        {@code MAAS_MONITOR_LAG_STALL_SECONDS}, how long a group with members may leave waiting
 *                        records uncommitted before it is STALL (default 60)
 * @param intervalMillis  {@code MAAS_MONITOR_INTERVAL_MS}, how often lag is sampled and verdicts are made (default 5000)
 */
public record MonitorConfig(
    MaasConfig maas,
    String groupId,
    Duration window,
    double psiThreshold,
    double jsThreshold,
    int minResults,
    int profileResults,
    int answersCapacity,
    double lagWarnSeconds,
    Duration lagStall,
    long intervalMillis) {

  /** The longest window: the monitor keeps an hour of answers. */
  public static final Duration MAX_WINDOW = Duration.ofHours(1);

  public static final Duration MIN_WINDOW = Duration.ofSeconds(10);

  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> defaults = new HashMap<>(MaasConfig.DEFAULTS);
    defaults.put("MAAS_MONITOR_GROUP", "maas-monitor");
    defaults.put("MAAS_MONITOR_WINDOW", "PT5M");
    defaults.put("MAAS_MONITOR_DRIFT_PSI", "0.2");
    defaults.put("MAAS_MONITOR_DRIFT_JS", "0.1");
    defaults.put("MAAS_MONITOR_DRIFT_MIN_RESULTS", "500");
    defaults.put("MAAS_MONITOR_PROFILE_RESULTS", "1000");
    defaults.put("MAAS_MONITOR_ANSWERS", "200000");
    defaults.put("MAAS_MONITOR_LAG_WARN_SECONDS", "30");
    defaults.put("MAAS_MONITOR_LAG_STALL_SECONDS", "60");
    defaults.put("MAAS_MONITOR_INTERVAL_MS", "5000");
    DEFAULTS = Map.copyOf(defaults);
  }

  public static MonitorConfig from(Settings settings) {
    return new MonitorConfig(
        MaasConfig.from(settings),
        settings.string("MAAS_MONITOR_GROUP"),
        settings.duration("MAAS_MONITOR_WINDOW", MIN_WINDOW, MAX_WINDOW),
        settings.decimal("MAAS_MONITOR_DRIFT_PSI", 0.001, 10),
        settings.decimal("MAAS_MONITOR_DRIFT_JS", 0.001, 1),
        settings.integer("MAAS_MONITOR_DRIFT_MIN_RESULTS", 1, 10_000_000),
        settings.integer("MAAS_MONITOR_PROFILE_RESULTS", 10, 10_000_000),
        settings.integer("MAAS_MONITOR_ANSWERS", 0, 50_000_000),
        settings.decimal("MAAS_MONITOR_LAG_WARN_SECONDS", 0.1, 86_400),
        Duration.ofSeconds(settings.integer("MAAS_MONITOR_LAG_STALL_SECONDS", 1, 86_400)),
        settings.integer("MAAS_MONITOR_INTERVAL_MS", 100, 600_000));
  }
}
