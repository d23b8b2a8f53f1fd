package io.maas.monitor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.common.kafka.KafkaClients;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.drift.DriftCheck;
import io.maas.monitor.lag.LagView;
import io.maas.monitor.window.Windows;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lag of a group from outside, against a real broker: the age of a group behind by more than
 * the last sample's appends is read from the record at its committed offset; a group within them
 * is estimated from the appends, without reading the topic.
 */
@ExtendWith(KafkaExtension.class)
class LagProbeIT {

  @Test
  void readsTheOldestRecordOfAGroupBehindAndEstimatesAGroupKeepingUp(TestKafka kafka)
      throws Exception {
    String topic = "maas.requests." + TestKafka.unique("lag");
    String group = TestKafka.unique("lag-group");
    kafka.createTopic(topic, 1);
    TopicPartition tp = new TopicPartition(topic, 0);
    MonitorConfig config =
        MonitorConfig.from(
            Settings.load(
                MonitorConfig.DEFAULTS,
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    kafka.bootstrapServers(),
                    "MAAS_MONITOR_INTERVAL_MS",
                    "1000")));
    KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), "lag-test");
    Windows windows =
        new Windows(
            new DriftCheck(config.psiThreshold(), config.jsThreshold(), config.minResults()),
            config.profileResults(),
            config.answersCapacity(),
            Clock.systemUTC());
    LagProbe probe = new LagProbe(config, clients, windows, Clock.systemUTC());
    Map<String, Object> peekConfig = new HashMap<>(clients.consumerConfig("lag-test-peek", null));
    peekConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);

    try (Admin admin = kafka.admin();
        KafkaConsumer<byte[], byte[]> peek =
            new KafkaConsumer<>(
                peekConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      send(kafka, topic, 10);
      commit(admin, group, tp, 0);
      Thread.sleep(2_000);
      long firstSampleFrom = System.currentTimeMillis();

      // behind by everything, nothing known of earlier appends: the record at offset 0 is read
      LagView.TopicLag first = lag(probe.sample(admin, peek), group, topic);
      assertThat(first.records()).isEqualTo(10);
      assertThat(first.seconds())
          .as("age of the record at the committed offset")
          .isBetween(2.0, 30.0);
      assertThat(readFrom(peek, topic))
          .as("records of the topic read for the first sample")
          .isPositive();

      // 10 more appended, the group past the end of the last sample: estimated, nothing read
      send(kafka, topic, 10);
      commit(admin, group, tp, 15);
      double readBefore = readFrom(peek, topic);
      Thread.sleep(1_000);
      LagView.TopicLag keepingUp = lag(probe.sample(admin, peek), group, topic);
      double betweenSamples = (System.currentTimeMillis() - firstSampleFrom) / 1000.0;
      assertThat(keepingUp.records()).isEqualTo(5);
      assertThat(keepingUp.seconds())
          .as(
              "half the appends since the last sample are behind: half the time between the samples")
          .isBetween(0.5, betweenSamples / 2);
      assertThat(readFrom(peek, topic))
          .as("records read for a group keeping up")
          .isEqualTo(readBefore);

      // the group stops at 15 while 5 more arrive: behind the last sample's end, read again
      Thread.sleep(1_500);
      send(kafka, topic, 5);
      LagView.TopicLag stopped = lag(probe.sample(admin, peek), group, topic);
      assertThat(stopped.records()).isEqualTo(10);
      assertThat(stopped.seconds())
          .as("age of the record at offset 15, sent 2.5 s ago or more")
          .isGreaterThanOrEqualTo(2.5);
      assertThat(readFrom(peek, topic))
          .as("records read for a stopped group")
          .isGreaterThan(readBefore);
    }
  }

  private static LagView.TopicLag lag(LagView view, String group, String topic) {
    assertThat(view.groups()).containsKey(group);
    return view.groups().get(group).topics().get(topic);
  }

  private static void send(TestKafka kafka, String topic, int count) {
    for (int i = 0; i < count; i++) {
      kafka.send(topic, "k" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void commit(Admin admin, String group, TopicPartition tp, long offset)
      throws Exception {
    admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(offset))).all().get();
  }

  /**
   * Records of the topic the peeking consumer has read. Per topic: the probe also reads the
   * partitions of other tests' groups on the same broker. Kafka tags the topic as it is, and also
   * with its dots as underscores (for JMX); either is counted once.
   */
  private static double readFrom(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    return consumer.metrics().entrySet().stream()
        .filter(
            e ->
                e.getKey().name().equals("records-consumed-total")
                    && e.getKey().group().equals("consumer-fetch-manager-metrics")
                    && (topic.equals(e.getKey().tags().get("topic"))
                        || topic.replace('.', '_').equals(e.getKey().tags().get("topic"))))
        .mapToDouble(e -> ((Number) ((Metric) e.getValue()).metricValue()).doubleValue())
        .max()
        .orElse(0);
  }
}
