package io.maas.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionTest {

  @Test
  void segmentsAreCutSoThatNeitherLimitIsOvershotByMuch() {
    assertThat(Retention.DEFAULT.configs())
        .containsEntry("retention.ms", "86400000")
        .containsEntry("retention.bytes", "1073741824")
        .containsEntry("segment.ms", "3600000")
        .containsEntry("segment.bytes", "268435456");
    assertThat(new Retention(Duration.ofMinutes(20), 8L * 1024 * 1024).configs())
        .containsEntry("segment.ms", "300000")
        .containsEntry("segment.bytes", "2097152");
  }

  @Test
  void dataTopicsKeepWhatTheRetentionSaysAndGroundTruthTheBrokersDefault() {
    Retention retention = new Retention(Duration.ofHours(2), 64L * 1024 * 1024);
    var specs = Topics.modelSpecs("spam", 6, retention);
    assertThat(specs.get(0).configs())
        .containsEntry("retention.ms", "7200000")
        .containsKey("max.message.bytes");
    assertThat(specs.get(1).configs()).isEqualTo(retention.configs());
    assertThat(specs.get(2).configs()).isEqualTo(retention.configs());
    assertThat(specs.get(3).name()).isEqualTo(Topics.feedback("spam"));
    assertThat(specs.get(3).configs()).isEmpty();
  }

  @Test
  void refusesWhatKafkaCannotKeep() {
    assertThatThrownBy(() -> new Retention(Duration.ZERO, Retention.MIN_BYTES_PER_PARTITION))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Retention(Duration.ofHours(1), 1024))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
