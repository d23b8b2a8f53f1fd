package io.maas.monitor.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.profile.TextDescriptors;
import org.junit.jupiter.api.Test;

class SeriesWindowTest {

  private static final long T0 = 1_800_000_000_000L;
  private static final TextDescriptors TEXT = new TextDescriptors(120, 20, 0.1, 0.05);

  @Test
  void countsLabelsAndLatencyOverTheSlotsOfAWindow() {
    SeriesWindow window = new SeriesWindow();
    for (int i = 0; i < 100; i++) {
      window.add(T0 + i * 100, i % 4 == 0 ? "spam" : "ham", 0.97, TEXT, i + 1);
    }
    long slot = SeriesWindow.slotOf(T0 + 9_999);
    Aggregate all = window.aggregate(slot - 30, slot);
    assertThat(all.results()).isEqualTo(100);
    assertThat(all.labels()).containsEntry("ham", 75L).containsEntry("spam", 25L);
    assertThat(all.latencyMs(50)).isBetween(49.0, 51.0);
    assertThat(all.latencyMs(99)).isBetween(98.0, 100.0);
    assertThat(all.descriptors().get(TextDescriptors.WORDS).total()).isEqualTo(100);
    assertThat(window.aggregate(slot + 1, slot + 10).results()).isZero();
  }

  @Test
  void anHourLaterTheOldSlotsAreGoneAndLateEventsAreDropped() {
    SeriesWindow window = new SeriesWindow();
    window.add(T0, "ham", 0.9, null, 5);
    long hourLater = T0 + 3_600_000 + SeriesWindow.SLOT_MILLIS;
    window.add(hourLater, "spam", 0.9, null, 5);
    assertThat(window.add(T0, "ham", 0.9, null, 5)).as("older than the ring").isFalse();
    Aggregate all = window.aggregate(Long.MIN_VALUE, Long.MAX_VALUE);
    assertThat(all.labels()).containsOnlyKeys("spam");
  }

  @Test
  void agreementAndFeedbackCountInTheAnswersSlot() {
    SeriesWindow window = new SeriesWindow();
    window.add(T0, "ham", 0.9, null, 5);
    window.agreement(T0, true);
    window.agreement(T0, false);
    window.feedback(T0, true);
    Aggregate all = window.aggregate(Long.MIN_VALUE, Long.MAX_VALUE);
    assertThat(all.compared()).isEqualTo(2);
    assertThat(all.agreeing()).isEqualTo(1);
    assertThat(all.labelled()).isEqualTo(1);
    assertThat(all.correct()).isEqualTo(1);
  }
}
