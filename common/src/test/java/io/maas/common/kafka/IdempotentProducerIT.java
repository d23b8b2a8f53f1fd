package io.maas.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * maas's producers keep Kafka's standard five requests in flight. Written right after a topic's
 * creation, that used to stall: the new leader refused the first batches NOT_LEADER_OR_FOLLOWER,
 * accepted later ones as the producer's first, and the first batches were then retried as
 * OUT_OF_ORDER_SEQUENCE until their delivery timeout (16 of 20 rounds of this test before
 * {@link TopicProvisioner} waited for leaders that serve). Nothing may stall now.
 */
@ExtendWith(KafkaExtension.class)
class IdempotentProducerIT {

  private static final int ROUNDS = 10;
  private static final int RECORDS = 3_000;

  @Test
  void writesEverythingToTopicsJustProvisioned(TestKafka kafka) throws Exception {
    Map<String, Object> config =
        new HashMap<>(new KafkaClients(kafka.bootstrapServers(), "test").producerConfig("p"));
    assertThat(config).doesNotContainKey(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
    // an episode shows as batches expiring; do not wait the default two minutes for it
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    for (int round = 0; round < ROUNDS; round++) {
      String topic = TestKafka.unique("fresh");
      try (Admin admin = kafka.admin();
          KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
        new TopicProvisioner(admin).ensureBlocking(List.of(new TopicSpec(topic, 6, Map.of())));
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
          sent.add(producer.send(new ProducerRecord<>(topic, "k" + i, new byte[200])));
        }
        int failed = 0;
        for (Future<RecordMetadata> future : sent) {
          try {
            future.get(30, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            failed++;
          }
        }
        assertThat(failed).as("records not acknowledged in round %d on %s", round, topic).isZero();
      }
      assertThat(kafka.endOffsets(topic)).isEqualTo(RECORDS);
    }
  }
}
