package io.maas.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.common.config.MaasConfig;
import io.maas.common.config.Settings;
import io.maas.platform.EmbeddedKafka;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that asks clients for SASL credentials: the settings in MAAS_KAFKA_CONFIG_FILE reach
 * maas's admin, producer and consumer, which then provision, write and read; a wrong password
 * is refused by the broker, and a client without the file does not get in.
 */
class SecuredKafkaIT {

  private static final String USERS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required "
          + "username=\"broker\" password=\"broker-secret\" user_broker=\"broker-secret\" user_maas=\"maas-secret\";";

  @Test
  void theClientFileCarriesSaslCredentialsToEveryClient(@TempDir Path dir) throws Exception {
    int plain = freePort();
    int sasl = freePort();
    int controller = freePort();
    // The plaintext listener serves the broker itself (and
    // its readiness check); clients use the SASL one.
    Map<String, String> overrides =
        Map.of(
            "listeners",
            "PLAINTEXT://127.0.0.1:"
                + plain
                + ",SASL://127.0.0.1:"
                + sasl
                + ",CONTROLLER://127.0.0.1:"
                + controller,
            "advertised.listeners",
            "PLAINTEXT://127.0.0.1:" + plain + ",SASL://127.0.0.1:" + sasl,
            "listener.security.protocol.map",
            "PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "sasl.enabled.mechanisms",
            "PLAIN",
            "listener.name.sasl.plain.sasl.jaas.config",
            USERS);
    try (EmbeddedKafka broker =
        EmbeddedKafka.start(
            dir.resolve("kafka"),
            "127.0.0.1",
            plain,
            controller,
            overrides,
            Duration.ofSeconds(60))) {
      String bootstrap = "127.0.0.1:" + sasl;
      KafkaClients clients = clients(dir, bootstrap, "maas-secret");
      String topic = "secured." + ProcessHandle.current().pid();
      try (Admin admin = clients.admin()) {
        new TopicProvisioner(admin).ensureBlocking(List.of(new TopicSpec(topic, 2, Map.of())));
      }
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(new HashMap<>(clients.producerConfig("p")))) {
        for (int i = 0; i < 10; i++) {
          producer
              .send(new ProducerRecord<>(topic, "k" + i, ("v" + i).getBytes()))
              .get(30, TimeUnit.SECONDS);
        }
      }
      List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(new HashMap<>(clients.consumerConfig("c", null)))) {
        List<TopicPartition> partitions =
            List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (read.size() < 10 && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(read::add);
        }
      }
      assertThat(read).hasSize(10);

      try (Admin wrong = clients(dir, bootstrap, "guess").admin()) {
        assertThatThrownBy(() -> wrong.listTopics().names().get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(SaslAuthenticationException.class);
      }
      Map<String, Object> bare = new HashMap<>(new KafkaClients(bootstrap, "bare").adminConfig());
      bare.put("default.api.timeout.ms", 5_000);
      bare.put("request.timeout.ms", 4_000);
      try (Admin without = Admin.create(bare)) {
        assertThatThrownBy(() -> without.listTopics().names().get(30, TimeUnit.SECONDS))
            .as("a client without the file does not get in")
            .isInstanceOf(ExecutionException.class);
      }
    }
  }

  private static KafkaClients clients(Path dir, String bootstrap, String password)
      throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("client-" + password + ".properties"),
            String.join(
                "\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"maas\" password=\""
                    + password
                    + "\";"));
    return KafkaClients.of(
        MaasConfig.from(
            Settings.load(
                MaasConfig.DEFAULTS,
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    bootstrap,
                    "MAAS_KAFKA_CONFIG_FILE",
                    file.toString()))),
        "secured");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
