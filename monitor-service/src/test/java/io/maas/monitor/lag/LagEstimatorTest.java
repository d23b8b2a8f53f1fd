package io.maas.monitor.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LagEstimatorTest {

  private static final TopicPartition TP = new TopicPartition("maas.requests", 0);

  private final LagEstimator estimator = new LagEstimator(30, Duration.ofSeconds(60));

  @Test
  void anEstimateSpreadsTheAppendsEvenlyOverTheInterval() {
    // the log end went from 100 to 200 in 5 s; the record at 150 was appended 2.5 s ago
    assertThat(LagEstimator.estimatedAge(100, 150, 200, 5_000)).isCloseTo(2.5, within(1e-9));
    assertThat(LagEstimator.estimatedAge(100, 199, 200, 5_000)).isCloseTo(0.05, within(1e-9));
    assertThat(LagEstimator.estimatedAge(100, 100, 200, 5_000)).isCloseTo(5.0, within(1e-9));
    assertThat(LagEstimator.estimatedAge(100, 100, 100, 5_000)).as("nothing appended").isZero();
  }

  @Test
  void readsAGroupBehindTheLastSampleAndEstimatesOneKeepingUp() {
    Map<String, Map<TopicPartition, Long>> behind = Map.of("g", Map.of(TP, 0L));
    assertThat(estimator.toRead(behind, Map.of(TP, 100L)))
        .as("nothing known of earlier appends")
        .containsExactly(Map.entry(TP, 0L));
    LagView first =
        estimator.sampled(
            behind, Set.of("g"), Map.of(TP, 100L), Map.of(TP, Map.of(0L, 1_000L)), 11_000);
    LagView.TopicLag lag = first.groups().get("g").topics().get("maas.requests");
    assertThat(lag.records()).isEqualTo(100);
    assertThat(lag.seconds()).as("age of the record read").isEqualTo(10.0);
    assertThat(lag.committed()).isEqualTo(0);
    assertThat(lag.end()).isEqualTo(100);

    Map<String, Map<TopicPartition, Long>> keepingUp = Map.of("g", Map.of(TP, 150L));
    assertThat(estimator.toRead(keepingUp, Map.of(TP, 200L))).isEmpty();
    LagView second = estimator.sampled(keepingUp, Set.of("g"), Map.of(TP, 200L), Map.of(), 16_000);
    LagView.TopicLag estimated = second.groups().get("g").topics().get("maas.requests");
    assertThat(estimated.records()).isEqualTo(50);
    assertThat(estimated.seconds()).isCloseTo(2.5, within(1e-9));
  }

  @Test
  void aGroupWithNothingBehindIsOk() {
    LagView view =
        estimator.sampled(
            Map.of("g", Map.of(TP, 100L)), Set.of("g"), Map.of(TP, 100L), Map.of(), 1_000);
    assertThat(view.groups().get("g").status()).isEqualTo(LagStatus.OK);
    assertThat(view.groups().get("g").topics().get("maas.requests").seconds()).isZero();
  }
}
