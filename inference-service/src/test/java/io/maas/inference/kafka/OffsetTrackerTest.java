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
    OffsetTracker.Mark a = tracker.track(p0, 10);
    OffsetTracker.Mark b = tracker.track(p0, 11);
    OffsetTracker.Mark c = tracker.track(p0, 12);

    c.done();
    assertThat(tracker.advance()).isEmpty();

    a.done();
    assertThat(tracker.advance()).containsExactlyEntriesOf(java.util.Map.of(p0, new OffsetAndMetadata(11)));
    assertThat(tracker.advance()).as("nothing moved since").isEmpty();

    b.done();
    assertThat(tracker.advance()).containsExactlyEntriesOf(java.util.Map.of(p0, new OffsetAndMetadata(13)));
    assertThat(tracker.pending()).isZero();
  }

  @Test
  void partitionsAdvanceIndependently() {
    OffsetTracker.Mark a = tracker.track(p0, 0);
    tracker.track(p1, 5);
    a.done();

    assertThat(tracker.advance()).containsOnlyKeys(p0);
    assertThat(tracker.pending()).isEqualTo(1);
  }

  @Test
  void forgottenPartitionsAreNeverCommitted() {
    OffsetTracker.Mark a = tracker.track(p0, 0);
    OffsetTracker.Mark b = tracker.track(p1, 0);
    tracker.forget(List.of(p0));
    a.done();
    b.done();

    assertThat(tracker.advance()).containsOnlyKeys(p1);

    tracker.track(p1, 1).done();
    tracker.clear();
    assertThat(tracker.advance()).isEmpty();
  }
}
