package io.maas.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.common.config.ConfigException;
import io.maas.common.config.MaasConfig;
import io.maas.common.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientFileTest {

  private static final String SASL =
      """
      security.protocol=SASL_SSL
      sasl.mechanism=SCRAM-SHA-512
      sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="maas" password="s3cret-pass";
      ssl.truststore.location=/etc/kafka/truststore.p12
      ssl.truststore.password=trust-pass
      linger.ms=10
      session.timeout.ms=30000
      """;

  @Test
  void everyClientGetsTheSettingsItKnowsOverMaassDefaults(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("kafka.properties"), SASL);
    MaasConfig config =
        MaasConfig.from(
            Settings.load(MaasConfig.DEFAULTS, Map.of("MAAS_KAFKA_CONFIG_FILE", file.toString())));
    KafkaClients clients = KafkaClients.of(config, "test");

    assertThat(clients.producerConfig("p"))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("linger.ms", "10")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .doesNotContainKey("session.timeout.ms");
    assertThat(clients.consumerConfig("c", "g"))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.password", "trust-pass")
        .containsEntry("session.timeout.ms", "30000")
        .containsEntry("isolation.level", "read_committed")
        .doesNotContainKey("linger.ms");
    assertThat(clients.adminConfig())
        .containsEntry("security.protocol", "SASL_SSL")
        .doesNotContainKey("linger.ms");

    assertThat(config.toString())
        .contains(file.toString())
        .contains("sasl.jaas.config")
        .doesNotContain("s3cret-pass")
        .doesNotContain("trust-pass");
  }

  @Test
  void aBadFileStopsTheServiceWithTheVariableAndTheKeyNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(
            () -> KafkaClientFile.load("MAAS_KAFKA_CONFIG_FILE", dir.resolve("absent.properties")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAAS_KAFKA_CONFIG_FILE")
        .hasMessageContaining("absent.properties");
    assertThatThrownBy(() -> load(dir, "bootstrap.servers=broker:9092\n"))
        .hasMessageContaining("MAAS_KAFKA_CONFIG_FILE")
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> load(dir, "enable.idempotence=false\n"))
        .hasMessageContaining("sets enable.idempotence, which maas sets itself");
    assertThatThrownBy(() -> load(dir, "sasl.mechanisms=PLAIN\n"))
        .hasMessageContaining(
            "sasl.mechanisms, which is no Kafka producer, consumer or admin client setting");
    assertThatThrownBy(() -> load(dir, "security.protocol=SASL_TLS\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("security.protocol");
    assertThatThrownBy(() -> load(dir, "linger.ms=soon\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("linger.ms");
  }

  private static KafkaClientFile load(Path dir, String content) throws Exception {
    return KafkaClientFile.load(
        "MAAS_KAFKA_CONFIG_FILE", Files.writeString(dir.resolve("bad.properties"), content));
  }
}
