package io.maas.inference.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ConsumerLagTest {

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final ConsumerLag lag = new ConsumerLag(clock::get);
  private final TopicPartition a0 = new TopicPartition("maas.requests.a", 0);
  private final TopicPartition a1 = new TopicPartition("maas.requests.a", 1);
  private final TopicPartition b0 = new TopicPartition("maas.requests.b", 0);

  @Test
  void anIdleTopicReadsZeroNotStopped() {
    assertThat(lag.measure(List.of(new ConsumerLag.Partition(a0, 0, 0, -1))))
        .containsExactlyEntriesOf(Map.of("maas.requests.a", new ConsumerLag.Topic(0, 0.0)));
    clock.addAndGet(3_600_000);
    assertThat(
            lag.measure(List.of(new ConsumerLag.Partition(a0, 0, 0, -1)))
                .get("maas.requests.a")
                .seconds())
        .isZero();
  }

  @Test
  void recordsAddUpPerTopicAndTheOldestInFlightGivesTheAge() {
    Map<String, ConsumerLag.Topic> topics =
        lag.measure(
            List.of(
                new ConsumerLag.Partition(a0, 5, 3, 1_000_000 - 2_500),
                new ConsumerLag.Partition(a1, 0, 2, 1_000_000 - 500),
                new ConsumerLag.Partition(b0, 0, 1, 1_000_000 - 100)));

    assertThat(topics).containsOnlyKeys("maas.requests.a", "maas.requests.b");
    assertThat(topics.get("maas.requests.a")).isEqualTo(new ConsumerLag.Topic(10, 2.5));
    assertThat(topics.get("maas.requests.b")).isEqualTo(new ConsumerLag.Topic(1, 0.1));
  }

  @Test
  void recordsBehindWithNoneInFlightAgeFromWhenThatWasFirstSeen() {
    assertThat(lag.measure(List.of(new ConsumerLag.Partition(a0, 7, 0, -1))).get("maas.requests.a"))
        .isEqualTo(new ConsumerLag.Topic(7, 0.0));
    clock.addAndGet(4_000);
    assertThat(
            lag.measure(List.of(new ConsumerLag.Partition(a0, 9, 0, -1)))
                .get("maas.requests.a")
                .seconds())
        .isEqualTo(4.0);

    // fetched: the records' own timestamps take over; then lagging again starts a new count
    assertThat(
            lag.measure(List.of(new ConsumerLag.Partition(a0, 0, 9, clock.get() - 6_000)))
                .get("maas.requests.a"))
        .isEqualTo(new ConsumerLag.Topic(9, 6.0));
    clock.addAndGet(1_000);
    assertThat(
            lag.measure(List.of(new ConsumerLag.Partition(a0, 3, 0, -1)))
                .get("maas.requests.a")
                .seconds())
        .isZero();
    clock.addAndGet(2_000);
    assertThat(
            lag.measure(List.of(new ConsumerLag.Partition(a0, 3, 0, -1)))
                .get("maas.requests.a")
                .seconds())
        .isEqualTo(2.0);

    // caught up, then behind again: counted afresh
    lag.measure(List.of(new ConsumerLag.Partition(a0, 0, 0, -1)));
    clock.addAndGet(10_000);
    assertThat(
            lag.measure(List.of(new ConsumerLag.Partition(a0, 1, 0, -1)))
                .get("maas.requests.a")
                .seconds())
        .isZero();
  }

  @Test
  void aPartitionNoLongerAssignedIsForgotten() {
    lag.measure(List.of(new ConsumerLag.Partition(a0, 4, 0, -1)));
    clock.addAndGet(5_000);
    assertThat(lag.measure(List.of(new ConsumerLag.Partition(b0, 0, 0, -1))))
        .containsOnlyKeys("maas.requests.b");
    clock.addAndGet(5_000);
    assertThat(
            lag.measure(List.of(new ConsumerLag.Partition(a0, 4, 0, -1)))
                .get("maas.requests.a")
                .seconds())
        .as("assigned again: counted afresh")
        .isZero();
  }

  @Test
  void aRecordStampedAheadOfThisClockIsNotNegativelyOld() {
    assertThat(
            lag.measure(List.of(new ConsumerLag.Partition(a0, 0, 1, clock.get() + 5_000)))
                .get("maas.requests.a")
                .seconds())
        .isZero();
  }
}
