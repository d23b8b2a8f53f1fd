package io.maas.inference.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer's lag measured from its own bookkeeping, per topic: the records not yet processed
 * on its assigned partitions and the age of the oldest of them. Pure (no Kafka calls, a clock
 * passed in); the pipeline feeds it on its own thread once a second.
 *
 * <p>The age comes from the oldest record in flight (fetched, not yet done) by its timestamp.
 * Records behind the fetch position have no known timestamp until fetched: a partition with some
 * behind and none in flight (just assigned, paused, the fetch on its way) counts its age from the
 * moment it was first seen so. A partition caught up reads 0, so an idle topic reads 0 s, never
 * "stopped".
 */
final class ConsumerLag {

  /**
   * One assigned partition at one moment.
   *
   * @param behind          records between the fetch position and the end of the log
   * @param inFlight        records fetched and not yet done
   * @param oldestTimestamp the timestamp (epoch ms) of the oldest of those in flight
   */
  record Partition(TopicPartition partition, long behind, int inFlight, long oldestTimestamp) {}

  /** One topic's lag over the assigned partitions. */
  record Topic(long records, double seconds) {}

  private final LongSupplier clock;
  private final Map<TopicPartition, Long> laggingSince = new HashMap<>();

  /** @param clock epoch milliseconds */
  ConsumerLag(LongSupplier clock) {
    this.clock = clock;
  }

  /** The lag per topic of these partitions; partitions not among them are forgotten. */
  Map<String, Topic> measure(Collection<Partition> partitions) {
    long now = clock.getAsLong();
    Map<String, long[]> topics = new HashMap<>();
    Set<TopicPartition> seen = new HashSet<>();
    for (Partition p : partitions) {
      seen.add(p.partition());
      long ageMillis = 0;
      if (p.inFlight() > 0) {
        laggingSince.remove(p.partition());
        ageMillis = now - p.oldestTimestamp();
      } else if (p.behind() > 0) {
        ageMillis = now - laggingSince.computeIfAbsent(p.partition(), tp -> now);
      } else {
        laggingSince.remove(p.partition());
      }
      long[] topic = topics.computeIfAbsent(p.partition().topic(), t -> new long[2]);
      topic[0] += Math.max(0, p.behind()) + p.inFlight();
      // a record stamped ahead of this clock is as young as can be, not negative
      topic[1] = Math.max(topic[1], Math.max(0, ageMillis));
    }
    laggingSince.keySet().retainAll(seen);
    Map<String, Topic> out = new HashMap<>();
    topics.forEach((topic, lag) -> out.put(topic, new Topic(lag[0], lag[1] / 1000.0)));
    return out;
  }
}
