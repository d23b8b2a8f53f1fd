package io.maas.monitor.window;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Counts by key (dead letters by reason) in the same slots of event time as {@link SeriesWindow}. Not thread-safe. */
public final class CountWindow {

  private final long[] indexes = new long[SeriesWindow.SLOTS];

  @SuppressWarnings("unchecked")
  private final Map<String, Long>[] counts = new Map[SeriesWindow.SLOTS];

  private long newest = Long.MIN_VALUE;

  public CountWindow() {
    java.util.Arrays.fill(indexes, Long.MIN_VALUE);
  }

  public void add(long at, String key) {
    long index = SeriesWindow.slotOf(at);
    if (newest != Long.MIN_VALUE && index <= newest - SeriesWindow.SLOTS) {
      return;
    }
    int i = (int) Math.floorMod(index, (long) SeriesWindow.SLOTS);
    if (indexes[i] > index) {
      return;
    }
    if (indexes[i] != index || counts[i] == null) {
      indexes[i] = index;
      counts[i] = new HashMap<>();
    }
    counts[i].merge(key, 1L, Long::sum);
    newest = Math.max(newest, index);
  }

  /** The newest slot with a count, or Long.MIN_VALUE when none. */
  public long newestSlot() {
    return newest;
  }

  /** Counts over the slots from {@code fromSlot} to {@code toSlot}, both included, sorted by key. */
  public Map<String, Long> sum(long fromSlot, long toSlot) {
    Map<String, Long> sum = new TreeMap<>();
    for (int i = 0; i < indexes.length; i++) {
      if (counts[i] != null && indexes[i] >= fromSlot && indexes[i] <= toSlot) {
        counts[i].forEach((key, n) -> sum.merge(key, n, Long::sum));
      }
    }
    return sum;
  }
}
