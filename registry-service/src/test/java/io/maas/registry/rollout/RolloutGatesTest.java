package io.maas.registry.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.registry.rollout.RolloutGates.Decision;
import io.maas.registry.rollout.RolloutGates.Outcome;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutGatesTest {

  private static final RolloutPlan PLAN =
      new RolloutPlan(2, List.of(0.1, 0.5, 1.0), 100, 600, RolloutPlan.Gates.DEFAULT);
  private static final Evidence PRODUCTION = new Evidence(1000, 0, 40, 0, Double.NaN, false);

  private static Evidence canary(
      long results, long errors, double p99, long compared, double agreement, boolean drifted) {
    return new Evidence(results, errors, p99, compared, agreement, drifted);
  }

  @Test
  void waitsForEnoughAnswersBeforeJudgingAnything() {
    Decision d = RolloutGates.judge(PLAN, canary(99, 0, 900, 99, 0.0, true), PRODUCTION);
    assertThat(d.outcome()).isEqualTo(Outcome.WAIT);
    assertThat(d.reason()).contains("99 of 100");
  }

  @Test
  void passesAVersionThatAnswersLikeProduction() {
    Decision d = RolloutGates.judge(PLAN, canary(120, 0, 45, 120, 0.97, false), PRODUCTION);
    assertThat(d.outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void failsOnMoreDeadLettersThanProductionAndCountsThemAsAnswers() {
    Decision d =
        RolloutGates.judge(PLAN, canary(0, 100, Double.NaN, 0, Double.NaN, false), PRODUCTION);
    assertThat(d.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(d.gate()).isEqualTo("errors");
    Evidence noisyProduction = new Evidence(1000, 20, 40, 0, Double.NaN, false);
    assertThat(
            RolloutGates.judge(PLAN, canary(99, 1, 40, 99, 1.0, false), noisyProduction).outcome())
        .isEqualTo(Outcome.PASS);
  }

  @Test
  void failsOnALatencyWorseThanTheRatioAndSlack() {
    // 1.5 x 40 + 25 = 85 ms
    assertThat(RolloutGates.judge(PLAN, canary(100, 0, 85, 100, 1.0, false), PRODUCTION).outcome())
        .isEqualTo(Outcome.PASS);
    Decision d = RolloutGates.judge(PLAN, canary(100, 0, 86, 100, 1.0, false), PRODUCTION);
    assertThat(d.gate()).isEqualTo("latency");
    assertThat(d.reason()).contains("86 ms", "40 ms");
  }

  @Test
  void failsOnLowAgreementOnceHalfOfTheAnswersWereCompared() {
    assertThat(RolloutGates.judge(PLAN, canary(100, 0, 40, 49, 0.0, false), PRODUCTION).outcome())
        .isEqualTo(Outcome.WAIT);
    Decision d = RolloutGates.judge(PLAN, canary(100, 0, 40, 50, 0.02, false), PRODUCTION);
    assertThat(d.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(d.gate()).isEqualTo("agreement");
    assertThat(d.reason()).contains("2.0%", "90.0%");
  }

  @Test
  void failsOnDriftThatProductionDoesNotHave() {
    assertThat(RolloutGates.judge(PLAN, canary(100, 0, 40, 100, 0.95, true), PRODUCTION).gate())
        .isEqualTo("drift");
    Evidence driftingProduction = new Evidence(1000, 0, 40, 0, Double.NaN, true);
    assertThat(
            RolloutGates.judge(PLAN, canary(100, 0, 40, 100, 0.95, true), driftingProduction)
                .outcome())
        .isEqualTo(Outcome.PASS);
  }

  @Test
  void readsTheMonitorsSummaryOfAVersion() {
    JsonObject v =
        new JsonObject(
            """
        {"results":150,"latencyMs":{"p50":10,"p95":20,"p99":31.0,"max":40},"deadLetters":{"model_failure":3},
         "agreement":{"rate":0.96,"compared":140},"drift":{"drifted":false,"judged":true}}""");
    Evidence e = Evidence.fromSummary(v);
    assertThat(e).isEqualTo(new Evidence(150, 3, 31.0, 140, 0.96, false));
    assertThat(e.answered()).isEqualTo(153);
    assertThat(Evidence.fromSummary(null)).isEqualTo(Evidence.NONE);
    assertThat(
            Evidence.fromSummary(
                    new JsonObject()
                        .put("results", 0)
                        .put("latencyMs", null)
                        .put("agreement", null))
                .p99Ms())
        .isNaN();
  }
}
