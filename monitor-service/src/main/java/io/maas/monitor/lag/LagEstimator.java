package io.maas.monitor.lag;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What one look at the consumer groups means: from the committed offsets, the log ends and the
 * timestamps read at some committed offsets, each group's records behind and the age of its oldest
 * unprocessed record per topic, and a status from the group's recent {@link GroupHistory}. A
 * partition behind by no more than what was appended since the previous sample is not read: its
 * age is estimated from those appends, spread evenly over the time between the samples. Remembers
 * the previous sample's log ends and the groups' histories; no clock, no I/O. Not thread-safe.
 */
public final class LagEstimator {

  private final double warnSeconds;
  private final long stallMillis;
  private final Map<String, GroupHistory> histories = new HashMap<>();

  /** The log end offsets at the last sample, and when it was taken. */
  private Map<TopicPartition, Long> lastEnds = Map.of();

  private long lastAt;

  /**
   * @param warnSeconds age of a group's oldest unprocessed record that warns
   * @param stall       how long a group with members may leave records waiting
   */
  public LagEstimator(double warnSeconds, Duration stall) {
    this.warnSeconds = warnSeconds;
    this.stallMillis = stall.toMillis();
  }

  /** Forgets the history of every group not among these. */
  public void keepOnly(Set<String> groups) {
    histories.keySet().retainAll(groups);
  }

  /**
   * The committed offsets whose record's timestamp is needed: those behind the log end by more
   * than the appends since the last sample; per partition, the lowest.
   */
  public Map<TopicPartition, Long> toRead(
      Map<String, Map<TopicPartition, Long>> committed, Map<TopicPartition, Long> ends) {
    Map<TopicPartition, Long> wanted = new HashMap<>();
    for (Map<TopicPartition, Long> offsets : committed.values()) {
      offsets.forEach(
          (tp, offset) -> {
            if (ends.get(tp) != null
                && ends.get(tp) > offset
                && !appendedSinceLastSample(tp, offset)) {
              wanted.merge(tp, offset, Math::min);
            }
          });
    }
    return wanted;
  }

  /**
   * The view of a sample, which becomes the last sample.
   *
   * @param committed  group to its committed offsets on maas topics
   * @param active     the groups with members
   * @param ends       the log end offset of each partition
   * @param timestamps the timestamps read, by partition and committed offset
   * @param now        when the sample was taken, epoch milliseconds
   */
  public LagView sampled(
      Map<String, Map<TopicPartition, Long>> committed,
      Set<String> active,
      Map<TopicPartition, Long> ends,
      Map<TopicPartition, Map<Long, Long>> timestamps,
      long now) {
    Map<String, LagView.Group> groups = new TreeMap<>();
    committed.forEach(
        (group, offsets) -> {
          // per topic: records behind, committed offsets, log ends
          Map<String, long[]> records = new TreeMap<>();
          Map<String, Double> seconds = new TreeMap<>();
          long committedSum = 0;
          long behind = 0;
          double oldest = 0;
          for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            TopicPartition tp = e.getKey();
            long end = ends.get(tp) == null ? e.getValue() : ends.get(tp);
            long lag = Math.max(0, end - e.getValue());
            committedSum += e.getValue();
            behind += lag;
            long[] sums = records.computeIfAbsent(tp.topic(), t -> new long[3]);
            sums[0] += lag;
            sums[1] += e.getValue();
            sums[2] += end;
            double age = 0;
            if (lag > 0) {
              Long ts = timestamps.getOrDefault(tp, Map.of()).get(e.getValue());
              age =
                  ts != null
                      ? Math.max(0, (now - ts) / 1000.0)
                      : appendedSinceLastSample(tp, e.getValue())
                          ? estimatedAge(lastEnds.get(tp), e.getValue(), end, now - lastAt)
                          : 0;
            }
            seconds.merge(tp.topic(), age, Math::max);
            oldest = Math.max(oldest, age);
          }
          GroupHistory history =
              histories.computeIfAbsent(group, g -> new GroupHistory(stallMillis * 2));
          history.add(
              new GroupHistory.Sample(now, committedSum, behind, oldest, active.contains(group)));
          LagStatus status = history.status(warnSeconds, stallMillis);
          Map<String, LagView.TopicLag> topics = new TreeMap<>();
          records.forEach(
              (topic, n) ->
                  topics.put(
                      topic,
                      new LagView.TopicLag(n[0], seconds.getOrDefault(topic, 0.0), n[1], n[2])));
          groups.put(group, new LagView.Group(topics, status));
        });
    lastEnds = Map.copyOf(ends);
    lastAt = now;
    return new LagView(groups, now);
  }

  /** Whether the record at this offset was appended after the last sample (its log end was at or before it). */
  private boolean appendedSinceLastSample(TopicPartition tp, long offset) {
    Long before = lastEnds.get(tp);
    return before != null && offset >= before;
  }

  /**
   * The age in seconds of the record at {@code offset}, appended since the last sample, taking the
   * appends since then as evenly spread: the log end went from {@code before} to {@code end} in
   * {@code elapsedMillis}.
   */
  static double estimatedAge(long before, long offset, long end, long elapsedMillis) {
    if (end <= before || elapsedMillis <= 0) {
      return 0;
    }
    return (end - offset) * (elapsedMillis / 1000.0) / (end - before);
  }
}
