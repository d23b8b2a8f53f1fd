package io.maas.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @Test
  void defaultsAreTheContractsPortsAndPaths() {
    MaasConfig config = MaasConfig.from(Settings.load(MaasConfig.DEFAULTS, Map.of()));

    assertThat(config.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.ingestPort()).isEqualTo(8080);
    assertThat(config.registryPort()).isEqualTo(8081);
    assertThat(config.inferencePort()).isEqualTo(8082);
    assertThat(config.monitorPort()).isEqualTo(8083);
    assertThat(config.registryUrl()).hasToString("http://127.0.0.1:8081");
    assertThat(config.adminToken()).isEmpty();
    assertThat(config.home()).isEqualTo(Path.of(".maas").toAbsolutePath().normalize());
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("maas.properties");
    Files.writeString(file, "MAAS_INGEST_PORT=9000\nMAAS_REGISTRY_PORT=9001\n");

    MaasConfig config =
        MaasConfig.from(
            Settings.load(
                MaasConfig.DEFAULTS,
                Map.of(
                    Settings.CONFIG_FILE_VARIABLE, file.toString(), "MAAS_REGISTRY_PORT", "9101")));

    assertThat(config.ingestPort()).isEqualTo(9000);
    assertThat(config.registryPort()).isEqualTo(9101);
    assertThat(config.inferencePort()).isEqualTo(8082);
  }

  @Test
  void invalidPortNamesTheVariableTheExpectedFormAndTheSource() {
    Settings settings = Settings.load(MaasConfig.DEFAULTS, Map.of("MAAS_INGEST_PORT", "eighty"));

    assertThatThrownBy(() -> MaasConfig.from(settings))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "MAAS_INGEST_PORT must be a TCP port number between 1 and 65535, got 'eighty' (from environment)")
        .extracting(e -> ((ConfigException) e).variable())
        .isEqualTo("MAAS_INGEST_PORT");
  }

  @Test
  void portOutOfRangeIsRefused() {
    Settings settings = Settings.load(MaasConfig.DEFAULTS, Map.of("MAAS_MONITOR_PORT", "70000"));

    assertThatThrownBy(() -> MaasConfig.from(settings))
        .hasMessageStartingWith("MAAS_MONITOR_PORT must be a TCP port");
  }

  @Test
  void malformedBootstrapServersAndRegistryUrlAreRefused() {
    assertThatThrownBy(
            () ->
                MaasConfig.from(
                    Settings.load(
                        MaasConfig.DEFAULTS, Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost"))))
        .hasMessageStartingWith(
            "KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port pairs");
    assertThatThrownBy(
            () ->
                MaasConfig.from(
                    Settings.load(
                        MaasConfig.DEFAULTS, Map.of("MAAS_REGISTRY_URL", "ftp://registry"))))
        .hasMessageStartingWith("MAAS_REGISTRY_URL must be an http(s) URL");
  }

  @Test
  void bootstrapServersAcceptsSeveralBrokers() {
    MaasConfig config =
        MaasConfig.from(
            Settings.load(
                MaasConfig.DEFAULTS,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092, kafka-2:9092")));

    assertThat(config.kafkaBootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
  }

  @Test
  void unreadableConfigFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("absent.properties");

    assertThatThrownBy(
            () ->
                Settings.load(
                    MaasConfig.DEFAULTS, Map.of(Settings.CONFIG_FILE_VARIABLE, missing.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAAS_CONFIG_FILE")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void adminTokenNeverAppearsInToString() {
    MaasConfig config =
        MaasConfig.from(
            Settings.load(MaasConfig.DEFAULTS, Map.of("MAAS_ADMIN_TOKEN", "s3cret-token")));

    assertThat(config.adminToken()).contains("s3cret-token");
    assertThat(config.toString()).doesNotContain("s3cret-token").contains("adminToken=(set)");
  }

  @Test
  void choicesAndBooleansAreValidated() {
    Settings settings =
        Settings.load(Map.of("MAAS_DELIVERY", "Exactly-Once", "FLAG", "maybe"), Map.of());

    assertThat(settings.choice("MAAS_DELIVERY", "at-least-once", "exactly-once"))
        .isEqualTo("exactly-once");
    assertThatThrownBy(() -> settings.bool("FLAG"))
        .hasMessage("FLAG must be true or false, got 'maybe' (from default)");
  }
}
