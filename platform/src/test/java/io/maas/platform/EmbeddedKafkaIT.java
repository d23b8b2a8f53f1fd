package io.maas.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local platform's promise: a restarted broker finds its topics and records again. */
class EmbeddedKafkaIT {

  @Test
  void restartOnTheSameDirectoryKeepsTopicsAndRecords(@TempDir Path dir) throws Exception {
    int controllerPort = EmbeddedKafka.freePort("127.0.0.1");
    Path logDir = dir.resolve("kafka");

    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(
            logDir, "127.0.0.1", 0, controllerPort, Map.of(), Duration.ofSeconds(60))) {
      try (Admin admin = admin(kafka)) {
        admin
            .createTopics(List.of(new NewTopic("kept", Optional.of(2), Optional.empty())))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      try (KafkaProducer<String, String> producer = producer(kafka)) {
        producer.send(new ProducerRecord<>("kept", "k-1", "still here")).get(30, TimeUnit.SECONDS);
      }
    }

    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(
            logDir, "127.0.0.1", 0, controllerPort, Map.of(), Duration.ofSeconds(60))) {
      try (Admin admin = admin(kafka)) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
        assertThat(
                admin
                    .describeTopics(List.of("kept"))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get("kept")
                    .partitions())
            .hasSize(2);
      }
      assertThat(readAll(kafka, "kept", 1))
          .extracting(ConsumerRecord::value)
          .containsExactly("still here");
    }
  }

  @Test
  void autoCreationIsOffSoOwnersMustCreateTheirTopics(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startEphemeral(dir);
        KafkaProducer<String, String> producer = producer(kafka, "max.block.ms", "1500")) {
      var send = producer.send(new ProducerRecord<>("never-created", "k", "v"));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> send.get(10, TimeUnit.SECONDS))
          .hasMessageContaining("never-created");
    }
  }

  private static Admin admin(EmbeddedKafka kafka) {
    Properties props = new Properties();
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return Admin.create(props);
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafka kafka, String... extra) {
    Properties props = new Properties();
    props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    props.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.setProperty(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    for (int i = 0; i < extra.length; i += 2) {
      props.setProperty(extra[i], extra[i + 1]);
    }
    return new KafkaProducer<>(props);
  }

  private static List<ConsumerRecord<String, String>> readAll(
      EmbeddedKafka kafka, String topic, int expected) {
    Properties props = new Properties();
    props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.setProperty(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.setProperty(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
