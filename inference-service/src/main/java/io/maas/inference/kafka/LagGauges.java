package io.maas.inference.kafka;

import io.maas.common.metrics.MaasMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Sets {@code maas_consumer_lag{group,topic}} and {@code maas_consumer_lag_seconds{group,topic}}
 * for the request topics the consumer is assigned, at most once a second, from what the consumer
 * already knows (the log end it fetched up to, no remote call) and the {@link OffsetTracker}'s
 * records in flight ({@link ConsumerLag}); drops the series of topics no longer assigned. On the
 * consumer's thread only.
 */
final class LagGauges {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String group;
  private final OffsetTracker offsets;
  private final ConsumerLag lag = new ConsumerLag(System::currentTimeMillis);
  private Set<String> topics = Set.of();
  private long last = System.nanoTime() - INTERVAL_NANOS;

  LagGauges(String group, OffsetTracker offsets) {
    this.group = group;
    this.offsets = offsets;
  }

  /** Sets the gauges, unless they were set less than a second ago. */
  void report(KafkaConsumer<String, byte[]> consumer) {
    long now = System.nanoTime();
    if (now - last < INTERVAL_NANOS) {
      return;
    }
    last = now;
    List<ConsumerLag.Partition> partitions = new ArrayList<>();
    for (TopicPartition tp : consumer.assignment()) {
      OffsetTracker.InFlight inFlight = offsets.inFlight(tp);
      // empty until the consumer has fetched from the
      // partition once: nothing known to be behind yet
      long behind = consumer.currentLag(tp).orElse(0);
      partitions.add(
          new ConsumerLag.Partition(tp, behind, inFlight.records(), inFlight.oldestTimestamp()));
    }
    Map<String, ConsumerLag.Topic> measured = lag.measure(partitions);
    measured.forEach(
        (topic, l) -> {
          MaasMetrics.CONSUMER_LAG.labels(group, topic).set(l.records());
          MaasMetrics.CONSUMER_LAG_SECONDS.labels(group, topic).set(l.seconds());
        });
    for (String topic : topics) {
      if (!measured.containsKey(topic)) {
        remove(topic);
      }
    }
    topics = Set.copyOf(measured.keySet());
  }

  /** Drops every series this instance set (the pipeline stops). */
  void forget() {
    topics.forEach(this::remove);
    topics = Set.of();
    last = System.nanoTime() - INTERVAL_NANOS;
  }

  private void remove(String topic) {
    MaasMetrics.CONSUMER_LAG.remove(group, topic);
    MaasMetrics.CONSUMER_LAG_SECONDS.remove(group, topic);
  }
}
