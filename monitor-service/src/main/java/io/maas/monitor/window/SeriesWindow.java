package io.maas.monitor.window;

import io.maas.common.profile.TextDescriptors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The answers of one model version on one topic, in slots of {@value #SLOT_MILLIS} ms of event
 * time (the result's {@code completedAt}) covering the last hour: windows are whole slots, so
 * counts over a window are exact for the interval the summary reports. Not thread-safe.
 */
public final class SeriesWindow {

  public static final long SLOT_MILLIS = 10_000;

  /** An hour of slots and the one being filled. */
  public static final int SLOTS = 361;

  private final Slot[] ring = new Slot[SLOTS];
  private long newest = Long.MIN_VALUE;

  /** The slot an event time falls in. */
  public static long slotOf(long epochMillis) {
    return Math.floorDiv(epochMillis, SLOT_MILLIS);
  }

  /** Records an answer; one older than the ring holds is dropped (false). */
  public boolean add(
      long at, String label, double confidence, TextDescriptors descriptors, long latencyMs) {
    Slot slot = slot(at);
    if (slot == null) {
      return false;
    }
    slot.results++;
    slot.labels.merge(label, 1L, Long::sum);
    slot.confidence.add(confidence);
    if (descriptors != null) {
      slot.descriptors.forEach(
          (name, d) -> {
            double v = descriptors.value(name);
            if (!Double.isNaN(v)) {
              d.add(v);
            }
          });
    }
    slot.latency().recordValue(Math.max(0, Math.min(Slot.MAX_LATENCY_MS, latencyMs)));
    return true;
  }

  /** Records whether an answer given at {@code at} agreed with production's for the same id. */
  public void agreement(long at, boolean agreed) {
    Slot slot = slot(at);
    if (slot != null) {
      slot.compared++;
      if (agreed) {
        slot.agreeing++;
      }
    }
  }

  /** Records ground truth for an answer given at {@code at}. */
  public void feedback(long at, boolean correct) {
    Slot slot = slot(at);
    if (slot != null) {
      slot.labelled++;
      if (correct) {
        slot.correct++;
      }
    }
  }

  /** Sums the slots from {@code fromSlot} to {@code toSlot}, both included. */
  public Aggregate aggregate(long fromSlot, long toSlot) {
    Aggregate aggregate = new Aggregate();
    for (Slot slot : ring) {
      if (slot != null && slot.index >= fromSlot && slot.index <= toSlot) {
        aggregate.add(slot);
      }
    }
    return aggregate;
  }

  /**
   * The window slot by slot, for charts: answers per second and latency p50/p95/p99 (ms, null
   * without answers) of each slot from {@code fromSlot} to {@code toSlot}; the last slot's rate
   * counts only the part of it that has passed by {@code asOf}.
   */
  public JsonObject timeline(long fromSlot, long toSlot, long asOf) {
    JsonArray perSecond = new JsonArray();
    JsonArray p50 = new JsonArray();
    JsonArray p95 = new JsonArray();
    JsonArray p99 = new JsonArray();
    for (long index = fromSlot; index <= toSlot; index++) {
      Slot slot = ring[(int) Math.floorMod(index, (long) SLOTS)];
      boolean has = slot != null && slot.index == index && slot.results > 0;
      double seconds =
          index == toSlot ? Math.max(1, asOf - index * SLOT_MILLIS) / 1000.0 : SLOT_MILLIS / 1000.0;
      perSecond.add(has ? Math.round(slot.results / seconds * 1000) / 1000.0 : 0);
      p50.add(has ? (Object) slot.latency.getValueAtPercentile(50) : null);
      p95.add(has ? (Object) slot.latency.getValueAtPercentile(95) : null);
      p99.add(has ? (Object) slot.latency.getValueAtPercentile(99) : null);
    }
    return new JsonObject()
        .put("slotSeconds", SLOT_MILLIS / 1000)
        .put("from", fromSlot * SLOT_MILLIS)
        .put("perSecond", perSecond)
        .put("p50", p50)
        .put("p95", p95)
        .put("p99", p99);
  }

  /** The newest slot with an answer, or Long.MIN_VALUE. */
  public long newestSlot() {
    return newest;
  }

  private Slot slot(long at) {
    long index = slotOf(at);
    if (newest != Long.MIN_VALUE && index <= newest - SLOTS) {
      return null;
    }
    int i = (int) Math.floorMod(index, (long) SLOTS);
    Slot slot = ring[i];
    if (slot == null) {
      slot = new Slot();
      ring[i] = slot;
    }
    if (slot.index != index) {
      if (slot.index > index) {
        return null;
      }
      slot.reset(index);
    }
    newest = Math.max(newest, index);
    return slot;
  }
}
