package io.maas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionIT {

  @Test
  void producedRecordsComeBackThroughTheRealBroker(TestKafka kafka) throws Exception {
    String topic = TestKafka.unique("roundtrip");
    kafka.createTopic(topic, 3);

    try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
      for (int i = 0; i < 100; i++) {
        producer.send(
            new ProducerRecord<>(topic, "k-" + i, ("v-" + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
    List<ConsumerRecord<String, byte[]>> records = kafka.read(topic, 100, Duration.ofSeconds(30));

    assertThat(records)
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 100).mapToObj(i -> "k-" + i).toList());
    assertThat(records)
        .allSatisfy(
            r ->
                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                    .isEqualTo("v-" + r.key().substring(2)));
    assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
  }

  @Test
  void theBrokerIsSharedAcrossTestsOfTheJvm(TestKafka first, TestKafka second) {
    assertThat(first.bootstrapServers()).isEqualTo(second.bootstrapServers());
    assertThat(first.kind()).isIn("embedded", "testcontainers");
  }
}
