package io.maas.monitor.window;

import java.time.Duration;

/** A window as whole slots: from the start of {@code fromSlot} to {@code asOf}. */
record Span(long asOf, long fromSlot, long toSlot) {

  /** The whole slots of {@code window} that end with the one {@code asOf} is in. */
  static Span of(Duration window, long asOf) {
    long toSlot = SeriesWindow.slotOf(asOf);
    long slots =
        Math.max(1, (window.toMillis() + SeriesWindow.SLOT_MILLIS - 1) / SeriesWindow.SLOT_MILLIS);
    return new Span(asOf, toSlot - slots + 1, toSlot);
  }

  long from() {
    return fromSlot * SeriesWindow.SLOT_MILLIS;
  }
}
