package io.maas.registry.config;

import io.maas.common.config.MaasConfig;
import io.maas.common.config.Settings;
import io.maas.common.kafka.Retention;
import io.maas.common.kafka.Topics;
import io.maas.model.ModelArchive;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The registry's settings: the shared ones, plus limits on what an upload may be.
 *
 * @param maxArchiveBytes {@code MAAS_REGISTRY_MAX_ARCHIVE_BYTES}, largest upload (default 512 MiB); larger is 413
 * @param limits          {@code MAAS_REGISTRY_MAX_ENTRIES} (default 10,000) and
 *                        {@code MAAS_REGISTRY_MAX_UNPACKED_BYTES} (default 2 GiB) of the unpacked archive
 * @param retention       what each model's requests, results and shadow topics keep:
 *                        {@code MAAS_TOPIC_RETENTION} (ISO-8601, default PT24H) and
 *                        {@code MAAS_TOPIC_RETENTION_BYTES} per partition (default 1 GiB); the registry
 *                        creates those topics and re-applies both at every start
 * @param partitions      {@code MAAS_TOPIC_PARTITIONS}: partitions of a new model's data topics (default 6),
 *                        and so the most inference instances of one group that share its requests;
 *                        topics that exist keep theirs
 * @param monitorUrl      {@code MAAS_MONITOR_URL}: the monitor rollouts ask for their verdicts (default http://127.0.0.1:8083)
 * @param rolloutIntervalMillis {@code MAAS_ROLLOUT_INTERVAL_MS}: how often running rollouts are judged (default 5000)
 */
public record RegistryConfig(
    MaasConfig maas,
    long maxArchiveBytes,
    ModelArchive.Limits limits,
    Retention retention,
    int partitions,
    URI monitorUrl,
    long rolloutIntervalMillis) {

  public static final String MAX_ARCHIVE_BYTES = "MAAS_REGISTRY_MAX_ARCHIVE_BYTES";
  public static final String MAX_ENTRIES = "MAAS_REGISTRY_MAX_ENTRIES";
  public static final String MAX_UNPACKED_BYTES = "MAAS_REGISTRY_MAX_UNPACKED_BYTES";
  public static final String TOPIC_RETENTION = "MAAS_TOPIC_RETENTION";
  public static final String TOPIC_RETENTION_BYTES = "MAAS_TOPIC_RETENTION_BYTES";
  public static final String TOPIC_PARTITIONS = "MAAS_TOPIC_PARTITIONS";
  public static final String MONITOR_URL = "MAAS_MONITOR_URL";
  public static final String ROLLOUT_INTERVAL_MS = "MAAS_ROLLOUT_INTERVAL_MS";

  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> defaults = new HashMap<>(MaasConfig.DEFAULTS);
    defaults.put(MAX_ARCHIVE_BYTES, String.valueOf(512L * 1024 * 1024));
    defaults.put(MAX_ENTRIES, "10000");
    defaults.put(MAX_UNPACKED_BYTES, String.valueOf(2L * 1024 * 1024 * 1024));
    defaults.put(TOPIC_RETENTION, Retention.DEFAULT.time().toString());
    defaults.put(TOPIC_RETENTION_BYTES, String.valueOf(Retention.DEFAULT.bytesPerPartition()));
    defaults.put(TOPIC_PARTITIONS, String.valueOf(Topics.DEFAULT_REQUEST_PARTITIONS));
    defaults.put(MONITOR_URL, "http://127.0.0.1:8083");
    defaults.put(ROLLOUT_INTERVAL_MS, "5000");
    DEFAULTS = Map.copyOf(defaults);
  }

  public static RegistryConfig from(Settings settings) {
    return new RegistryConfig(
        MaasConfig.from(settings),
        settings.longValue(MAX_ARCHIVE_BYTES, 1024, Long.MAX_VALUE),
        new ModelArchive.Limits(
            settings.integer(MAX_ENTRIES, 1, 10_000_000),
            settings.longValue(MAX_UNPACKED_BYTES, 1024, Long.MAX_VALUE)),
        new Retention(
            settings.duration(TOPIC_RETENTION, Duration.ofMinutes(10), Duration.ofDays(3650)),
            settings.longValue(
                TOPIC_RETENTION_BYTES, Retention.MIN_BYTES_PER_PARTITION, Long.MAX_VALUE)),
        settings.integer(TOPIC_PARTITIONS, 1, 10_000),
        settings.httpUrl(MONITOR_URL),
        settings.longValue(ROLLOUT_INTERVAL_MS, 100, 600_000));
  }

  /** Where artifacts and uploads live: {@code $MAAS_HOME/registry}. */
  public Path directory() {
    return maas.home().resolve("registry");
  }
}
