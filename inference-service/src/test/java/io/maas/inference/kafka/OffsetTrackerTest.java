package io.maas.inference.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  private final TopicPartition p0 = new TopicPartition("maas.requests.spam", 0);
  private final TopicPartition p1 = new TopicPartition("maas.requests.spam", 1);
  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void commitsUpToTheFirstRecordNotYetDone() {
    OffsetTracker.Mark a = tracker.track(p0, 10, 0L);
    OffsetTracker.Mark b = tracker.track(p0, 11, 0L);
    OffsetTracker.Mark c = tracker.track(p0, 12, 0L);

    c.done();
    assertThat(tracker.advance()).isEmpty();

    a.done();
    assertThat(tracker.advance())
        .containsExactlyEntriesOf(java.util.Map.of(p0, new OffsetAndMetadata(11)));
    assertThat(tracker.advance()).as("nothing moved since").isEmpty();

    b.done();
    assertThat(tracker.advance())
        .containsExactlyEntriesOf(java.util.Map.of(p0, new OffsetAndMetadata(13)));
    assertThat(tracker.pending()).isZero();
  }

  @Test
  void partitionsAdvanceIndependently() {
    OffsetTracker.Mark a = tracker.track(p0, 0, 0L);
    tracker.track(p1, 5, 0L);
    a.done();

    assertThat(tracker.advance()).containsOnlyKeys(p0);
    assertThat(tracker.pending()).isEqualTo(1);
  }

  @Test
  void inFlightCountsFromTheFirstRecordNotDoneWithItsTimestamp() {
    OffsetTracker.Mark a = tracker.track(p0, 10, 100);
    OffsetTracker.Mark b = tracker.track(p0, 11, 200);
    tracker.track(p0, 12, 300);

    assertThat(tracker.inFlight(p0)).isEqualTo(new OffsetTracker.InFlight(3, 100));
    a.done();
    assertThat(tracker.inFlight(p0))
        .as("before advance() too")
        .isEqualTo(new OffsetTracker.InFlight(2, 200));
    tracker.advance();
    b.done();
    assertThat(tracker.inFlight(p0)).isEqualTo(new OffsetTracker.InFlight(1, 300));
    assertThat(tracker.inFlight(p1)).isEqualTo(OffsetTracker.InFlight.NONE);
    assertThat(tracker.advance())
        .as("inFlight() consumed nothing")
        .containsExactlyEntriesOf(java.util.Map.of(p0, new OffsetAndMetadata(12)));
  }

  @Test
  void forgottenPartitionsAreNeverCommitted() {
    OffsetTracker.Mark a = tracker.track(p0, 0, 0L);
    OffsetTracker.Mark b = tracker.track(p1, 0, 0L);
    tracker.forget(List.of(p0));
    a.done();
    b.done();

    assertThat(tracker.advance()).containsOnlyKeys(p1);

    tracker.track(p1, 1, 0L).done();
    tracker.clear();
    assertThat(tracker.advance()).isEmpty();
  }
}
