package io.maas.common.config;

import io.maas.common.kafka.KafkaClientFile;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The settings every maas process shares (docs/CONTRACT.md, "Ports" and "Settings"),
 * validated once at start-up.
 *
 * @param kafkaBootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}, default 127.0.0.1:9092
 * @param ingestPort            {@code MAAS_INGEST_PORT}, default 8080
 * @param registryPort          {@code MAAS_REGISTRY_PORT}, default 8081
 * @param inferencePort         {@code MAAS_INFERENCE_PORT}, default 8082
 * @param monitorPort           {@code MAAS_MONITOR_PORT}, default 8083
 * @param registryUrl           {@code MAAS_REGISTRY_URL}, default http://127.0.0.1:8081
 * @param adminToken            {@code MAAS_ADMIN_TOKEN}; without it registry writes are refused
 * @param home                  {@code MAAS_HOME}, state directory, default ./.maas
 * @param kafkaClientFile       {@code MAAS_KAFKA_CONFIG_FILE}: Kafka client properties (SASL, TLS) for every client
 */
public record MaasConfig(
    String kafkaBootstrapServers,
    int ingestPort,
    int registryPort,
    int inferencePort,
    int monitorPort,
    URI registryUrl,
    Optional<String> adminToken,
    Path home,
    KafkaClientFile kafkaClientFile) {

  public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String MAAS_INGEST_PORT = "MAAS_INGEST_PORT";
  public static final String MAAS_REGISTRY_PORT = "MAAS_REGISTRY_PORT";
  public static final String MAAS_INFERENCE_PORT = "MAAS_INFERENCE_PORT";
  public static final String MAAS_MONITOR_PORT = "MAAS_MONITOR_PORT";
  public static final String MAAS_REGISTRY_URL = "MAAS_REGISTRY_URL";
  public static final String MAAS_ADMIN_TOKEN = "MAAS_ADMIN_TOKEN";
  public static final String MAAS_HOME = "MAAS_HOME";
  public static final String MAAS_KAFKA_CONFIG_FILE = "MAAS_KAFKA_CONFIG_FILE";

  /** The contract's defaults. */
  public static final Map<String, String> DEFAULTS =
      Map.of(
          KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:9092",
          MAAS_INGEST_PORT, "8080",
          MAAS_REGISTRY_PORT, "8081",
          MAAS_INFERENCE_PORT, "8082",
          MAAS_MONITOR_PORT, "8083",
          MAAS_REGISTRY_URL, "http://127.0.0.1:8081",
          MAAS_HOME, ".maas");

  public static MaasConfig from(Settings settings) {
    return new MaasConfig(
        settings.hostPortList(KAFKA_BOOTSTRAP_SERVERS),
        settings.port(MAAS_INGEST_PORT),
        settings.port(MAAS_REGISTRY_PORT),
        settings.port(MAAS_INFERENCE_PORT),
        settings.port(MAAS_MONITOR_PORT),
        settings.httpUrl(MAAS_REGISTRY_URL),
        settings.optional(MAAS_ADMIN_TOKEN),
        settings.path(MAAS_HOME),
        settings
            .optional(MAAS_KAFKA_CONFIG_FILE)
            .map(file -> KafkaClientFile.load(MAAS_KAFKA_CONFIG_FILE, Path.of(file)))
            .orElse(KafkaClientFile.NONE));
  }

  @Override
  public String toString() {
    // The admin token is a secret: never let it reach a log line.
    return "MaasConfig[kafka="
        + kafkaBootstrapServers
        + ", ports="
        + ingestPort
        + "/"
        + registryPort
        + "/"
        + inferencePort
        + "/"
        + monitorPort
        + ", registryUrl="
        + registryUrl
        + ", adminToken="
        + (adminToken.isPresent() ? "(set)" : "(none)")
        + ", home="
        + home
        + ", kafkaConfigFile="
        + kafkaClientFile
        + "]";
  }
}
