package io.maas.monitor.lag;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The recent samples of one consumer group (its committed offsets summed over the maas topics
 * it reads, the records behind, the age of its oldest unprocessed record, whether it has members)
 * and the status they give. Not thread-safe.
 */
public final class GroupHistory {

  /** One look at the group. */
  public record Sample(long at, long committed, long records, double seconds, boolean active) {}

  private static final int RISING_SAMPLES = 5;

  private final long keepMillis;
  private final Deque<Sample> samples = new ArrayDeque<>();

  /** @param keepMillis how far back samples are kept: at least the stall period */
  public GroupHistory(long keepMillis) {
    this.keepMillis = keepMillis;
  }

  public void add(Sample sample) {
    samples.addLast(sample);
    while (samples.size() > 1 && samples.peekFirst().at() < sample.at() - keepMillis) {
      samples.removeFirst();
    }
  }

  public Sample latest() {
    return samples.peekLast();
  }

  /**
   * @param warnSeconds  age of the oldest unprocessed record that warns
   * @param stallMillis  how long committed offsets may stand still while records wait
   */
  public LagStatus status(double warnSeconds, long stallMillis) {
    Sample latest = samples.peekLast();
    if (latest == null || latest.records() == 0) {
      return LagStatus.OK;
    }
    if (!latest.active()) {
      return LagStatus.STOP;
    }
    if (stoodStill(latest, stallMillis)) {
      return LagStatus.STALL;
    }
    if (latest.seconds() >= warnSeconds || rising()) {
      return LagStatus.WARN;
    }
    return LagStatus.OK;
  }

  /** Records waited at every sample of the last {@code stallMillis} and the offsets never moved. */
  private boolean stoodStill(Sample latest, long stallMillis) {
    Sample first = samples.peekFirst();
    if (first == null || latest.at() - first.at() < stallMillis) {
      return false;
    }
    Iterator<Sample> newestFirst = samples.descendingIterator();
    while (newestFirst.hasNext()) {
      Sample s = newestFirst.next();
      if (s.records() == 0 || s.committed() != latest.committed()) {
        return false;
      }
      if (s.at() <= latest.at() - stallMillis) {
        return true;
      }
    }
    return false;
  }

  private boolean rising() {
    if (samples.size() < RISING_SAMPLES + 1) {
      return false;
    }
    Iterator<Sample> newestFirst = samples.descendingIterator();
    long newer = newestFirst.next().records();
    for (int i = 0; i < RISING_SAMPLES; i++) {
      long older = newestFirst.next().records();
      if (newer <= older) {
        return false;
      }
      newer = older;
    }
    return true;
  }
}
