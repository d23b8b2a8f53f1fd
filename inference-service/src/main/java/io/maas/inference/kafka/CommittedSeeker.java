package io.maas.inference.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions a rewind dropped work of, still to be sought to their committed offsets. While
 * Kafka cannot tell those offsets (the broker is gone: a failure is most often why the rewind
 * happens), {@link #seek} answers false and the pipeline polls none of its partitions, asking
 * again rather than giving up: nothing read after them is taken for done. On the consumer's
 * thread only (its rebalance listener included).
 */
final class CommittedSeeker {

  private static final Logger LOG = LoggerFactory.getLogger(CommittedSeeker.class);

  /** How long one attempt to read committed offsets may block; the loop tries again after it. */
  private static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(5);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Set<TopicPartition> unsought = new HashSet<>();
  private long unsoughtSince = -1;

  CommittedSeeker(KafkaConsumer<String, byte[]> consumer) {
    this.consumer = consumer;
  }

  /** Every assigned partition but {@code leaving} is to be read again from its committed offset. */
  void rewindAllBut(Collection<TopicPartition> leaving) {
    unsought.addAll(consumer.assignment());
    unsought.removeAll(leaving);
  }

  /**
   * Seeks the partitions left to their committed offsets; false while Kafka cannot tell them.
   * Also called from the rebalance listener, so it never throws for a broker that does not answer.
   */
  boolean seek() {
    unsought.retainAll(consumer.assignment());
    if (unsought.isEmpty()) {
      return true;
    }
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = consumer.committed(Set.copyOf(unsought), COMMITTED_TIMEOUT);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      if (unsoughtSince < 0) {
        unsoughtSince = System.nanoTime();
        LOG.warn(
            "Cannot read the committed offsets of {} partitions to read them again ({}); polling waits until "
                + "Kafka answers",
            unsought.size(),
            e.toString());
      }
      return false;
    }
    for (TopicPartition tp : unsought) {
      OffsetAndMetadata at = committed.get(tp);
      if (at == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, at.offset());
      }
    }
    if (unsoughtSince >= 0) {
      LOG.info(
          "Read the committed offsets of {} partitions after {} s; polling again",
          unsought.size(),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - unsoughtSince));
      unsoughtSince = -1;
    }
    unsought.clear();
    return true;
  }
}
