package io.maas.registry.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RolloutStepTest {

  private static final Evidence GOOD = new Evidence(200, 0, 30, 200, 0.98, false);

  private final Rollout running =
      Rollout.start(
              "spam",
              1,
              RolloutPlan.fromRequest(
                  new JsonObject("{\"version\":3,\"steps\":[0.1,0.5,1.0],\"maxStepSeconds\":60}")),
              2,
              1_000)
          .asApplied();

  @Test
  void aPassMovesToTheNextStep() {
    Rollout next = RolloutStep.next(running, GOOD, RolloutGates.Decision.pass("fine"), 2_000);
    assertThat(next.running()).isTrue();
    assertThat(next.step()).isEqualTo(0.5);
    assertThat(next.stepStartedAt()).isEqualTo(2_000);
  }

  @Test
  void aFailedGateRollsBackWithIt() {
    Rollout next =
        RolloutStep.next(
            running, GOOD, RolloutGates.Decision.fail("latency", "p99 too high"), 2_000);
    assertThat(next.state()).isEqualTo(Rollout.State.ROLLED_BACK);
    assertThat(next.gate()).isEqualTo("latency");
    assertThat(next.reason()).isEqualTo("p99 too high");
  }

  @Test
  void aStepWaitsUntilItsMaxStepSecondsThenRollsBack() {
    RolloutGates.Decision waiting =
        RolloutGates.Decision.waiting("min_results", "the canary has 3 of 100 answers");
    assertThat(RolloutStep.next(running, Evidence.NONE, waiting, 61_000)).isSameAs(running);

    Rollout next = RolloutStep.next(running, Evidence.NONE, waiting, 61_001);
    assertThat(next.state()).isEqualTo(Rollout.State.ROLLED_BACK);
    assertThat(next.gate()).isEqualTo("max_step_seconds");
    assertThat(next.reason())
        .isEqualTo("step 0.1 had no verdict within 60 s: the canary has 3 of 100 answers");
  }

  @Test
  void theMonitorWindowCoversTheWholeStep() {
    assertThat(RolloutStep.window(0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(RolloutStep.window(1)).isEqualTo(Duration.ofSeconds(20));
    assertThat(RolloutStep.window(10_000)).isEqualTo(Duration.ofSeconds(20));
    assertThat(RolloutStep.window(10_001)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RolloutStep.window(5 * 3_600_000)).isEqualTo(Duration.ofHours(1));
  }
}
