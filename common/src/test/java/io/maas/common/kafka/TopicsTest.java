package io.maas.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.common.event.EventException;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void namesFollowTheContract() {
    assertThat(Topics.requests("spam")).isEqualTo("maas.requests.spam");
    assertThat(Topics.results("spam")).isEqualTo("maas.results.spam");
    assertThat(Topics.shadow("spam")).isEqualTo("maas.shadow.spam");
    assertThat(Topics.modelOfRequests("maas.requests.spam-v2")).isEqualTo("spam-v2");
    assertThat(Topics.modelOfRequests("maas.results.spam")).isNull();
  }

  @Test
  void invalidModelNamesCannotBecomeTopics() {
    assertThatThrownBy(() -> Topics.requests("../etc")).isInstanceOf(EventException.class);
    assertThatThrownBy(() -> Topics.requests("-leading-dash")).isInstanceOf(EventException.class);
    assertThatThrownBy(() -> Topics.requests("x".repeat(64))).isInstanceOf(EventException.class);
    assertThat(Topics.requests("x".repeat(63))).endsWith("x".repeat(63));
  }

  @Test
  void stateTopicsAreCompacted() {
    assertThat(Topics.modelsSpec().configs()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.registrySpec().configs()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.modelSpecs("spam", 6, Retention.DEFAULT))
        .extracting(TopicSpec::partitions)
        .containsOnly(6);
  }
}
