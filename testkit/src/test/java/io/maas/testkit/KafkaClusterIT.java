package io.maas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three-node fixture keeps its promise: replicated topics that outlive a node, and a node that comes back. */
class KafkaClusterIT {

  @TempDir Path dir;

  @Test
  void aTopicWithTheBrokersDefaultsSurvivesTheCrashOfItsLeader() throws Exception {
    try (KafkaCluster cluster = KafkaCluster.start(dir)) {
      TestKafka kafka = cluster.kafka();
      String topic = TestKafka.unique("replicated");
      kafka.createTopic(topic, 3);
      assertThat(kafka.topicConfig(topic)).containsEntry("min.insync.replicas", "2");
      assertThat(describe(kafka, topic).partitions())
          .allSatisfy(p -> assertThat(p.replicas()).hasSize(3))
          .allSatisfy(p -> assertThat(p.isr()).hasSize(3));

      send(kafka, topic, 0, 100);
      int leader = describe(kafka, topic).partitions().get(0).leader().id();
      cluster.kill(leader);
      send(kafka, topic, 100, 200);
      assertThat(describe(kafka, topic).partitions())
          .allSatisfy(
              p ->
                  assertThat(p.leader().id())
                      .as("partition %d's leader", p.partition())
                      .isNotEqualTo(leader));
      assertThat(kafka.read(topic, 200, Duration.ofSeconds(60)))
          .extracting(ConsumerRecord::key)
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 200).mapToObj(i -> "k-" + i).toList());

      cluster.restart(leader);
      Awaitility.await("node " + leader + " back in every ISR")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  describe(kafka, topic).partitions().stream()
                      .allMatch(p -> p.isr().stream().map(Node::id).toList().contains(leader)));
    }
  }

  private static void send(TestKafka kafka, String topic, int from, int to) throws Exception {
    try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
      for (int i = from; i < to; i++) {
        producer
            .send(
                new ProducerRecord<>(topic, "k-" + i, ("v-" + i).getBytes(StandardCharsets.UTF_8)))
            .get(60, TimeUnit.SECONDS);
      }
    }
  }

  private static TopicDescription describe(TestKafka kafka, String topic) throws Exception {
    try (Admin admin = kafka.admin()) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic);
    }
  }
}
