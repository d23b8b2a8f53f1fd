package io.maas.inference.kafka;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * At-least-once offset bookkeeping: records are tracked in the order they were read, marked
 * done from any thread once their results are acknowledged, and a partition's offset may be
 * committed up to its first record not yet done. Everything but {@link Mark#done()} belongs to
 * the consumer's thread.
 */
final class OffsetTracker {

  /** One tracked record; {@link #done()} may be called from a producer callback. */
  static final class Mark {
    private final long offset;
    private volatile boolean done;

    private Mark(long offset) {
      this.offset = offset;
    }

    void done() {
      done = true;
    }
  }

  private final Map<TopicPartition, ArrayDeque<Mark>> pending = new HashMap<>();

  /** Tracks a record; records of a partition must come in offset order. */
  Mark track(TopicPartition partition, long offset) {
    Mark mark = new Mark(offset);
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
