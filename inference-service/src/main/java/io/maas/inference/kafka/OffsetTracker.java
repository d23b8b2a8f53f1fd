package io.maas.inference.kafka;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset bookkeeping: records are tracked in the order they were read, marked done from any
 * thread once their results are durable (acknowledged, or committed in a transaction), and a
 * partition's offset may be committed up to its first record not yet done. At-least-once commits
 * from it; both modes measure the consumer's lag with it ({@link #inFlight}). Everything but
 * {@link Mark#done()} belongs to the consumer's thread.
 */
final class OffsetTracker {

  /** One tracked record; {@link #done()} may be called from a producer callback. */
  static final class Mark {
    private final long offset;
    private final long timestamp;
    private volatile boolean done;

    private Mark(long offset, long timestamp) {
      this.offset = offset;
      this.timestamp = timestamp;
    }

    void done() {
      done = true;
    }
  }

  private final Map<TopicPartition, ArrayDeque<Mark>> pending = new HashMap<>();

  /**
   * Records of a partition read and not yet committable: from its first one not done (whose
   * timestamp is {@code oldestTimestamp}) to the last one read.
   */
  record InFlight(int records, long oldestTimestamp) {
    static final InFlight NONE = new InFlight(0, -1);
  }

  /**
   * Tracks a record; records of a partition must come in offset order.
   *
   * @param timestamp the record's timestamp (epoch ms), for the age of the oldest record in flight
   */
  Mark track(TopicPartition partition, long offset, long timestamp) {
    Mark mark = new Mark(offset, timestamp);
    pending.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(mark);
    return mark;
  }

  /**
   * The partitions whose done prefix grew since the last call, with the offset to commit (the
   * record after the last one done); empty when nothing moved.
   */
  Map<TopicPartition, OffsetAndMetadata> advance() {
    Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>();
    for (Map.Entry<TopicPartition, ArrayDeque<Mark>> entry : pending.entrySet()) {
      ArrayDeque<Mark> marks = entry.getValue();
      long next = -1;
      while (!marks.isEmpty() && marks.peekFirst().done) {
        next = marks.pollFirst().offset + 1;
      }
      if (next >= 0) {
        moved.put(entry.getKey(), new OffsetAndMetadata(next));
      }
    }
    return moved;
  }

  /** What of a partition is read and not yet committable; walks past the done prefix without consuming it. */
  InFlight inFlight(TopicPartition partition) {
    ArrayDeque<Mark> marks = pending.get(partition);
    if (marks == null) {
      return InFlight.NONE;
    }
    int done = 0;
    for (Mark mark : marks) {
      if (!mark.done) {
        return new InFlight(marks.size() - done, mark.timestamp);
      }
      done++;
    }
    return InFlight.NONE;
  }

  /** Records read but not yet done, all partitions together. */
  int pending() {
    return pending.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(pending::remove);
  }

  void clear() {
    pending.clear();
  }
}
