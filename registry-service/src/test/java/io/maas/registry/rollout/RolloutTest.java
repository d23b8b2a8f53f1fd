package io.maas.registry.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.registry.catalog.Catalog;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutTest {

  private static final Evidence GOOD = new Evidence(200, 0, 30, 200, 0.98, false);

  @Test
  void stepsThroughThePlanToPromotion() {
    RolloutPlan plan = RolloutPlan.fromRequest(new JsonObject().put("version", 5));
    assertThat(plan.steps()).containsExactly(0.05, 0.25, 0.5, 1.0);
    Rollout r = Rollout.start("spam", 1, plan, 4, 1000);
    assertThat(r.running()).isTrue();
    assertThat(r.step()).isEqualTo(0.05);
    r = r.passed(2000, GOOD, "ok");
    assertThat(r.step()).isEqualTo(0.25);
    assertThat(r.stepStartedAt()).isEqualTo(2000);
    r = r.passed(3000, GOOD, "ok").passed(4000, GOOD, "ok");
    assertThat(r.state()).isEqualTo(Rollout.State.PROMOTED);
    assertThat(r.step()).isEqualTo(1.0);
    assertThat(r.mark().number()).isEqualTo(4);
    assertThat(r.steps()).hasSize(3);
    assertThat(r.steps().get(0).getDouble("step")).isEqualTo(0.05);
  }

  @Test
  void aPlanWhoseLastStepIsACanaryPromotesAfterIt() {
    RolloutPlan plan = RolloutPlan.fromRequest(new JsonObject("{\"version\":2,\"steps\":[0.5]}"));
    Rollout r = Rollout.start("spam", 1, plan, 1, 0).passed(10, GOOD, "ok");
    assertThat(r.state()).isEqualTo(Rollout.State.PROMOTED);
    assertThat(r.step()).isEqualTo(1.0);
  }

  @Test
  void rollsBackWithTheGateAndSurvivesTheRegistryLog() {
    RolloutPlan plan =
        RolloutPlan.fromRequest(
            new JsonObject(
                "{\"version\":3,\"steps\":[0.1,1.0],\"minResults\":50,\"maxStepSeconds\":60,\"gates\":{\"minAgreement\":0.8}}"));
    Rollout r =
        Rollout.start("spam", 7, plan, 2, 5)
            .asApplied()
            .rolledBack(
                99, new Evidence(50, 0, 30, 50, 0.1, false), "agreement", "agreed on 10.0%");
    assertThat(r.applied()).isFalse();
    assertThat(r.mark().state()).isEqualTo("rolled_back");
    assertThat(r.mark().reason()).isEqualTo("agreed on 10.0%");

    Catalog catalog = new Catalog();
    catalog.apply(r.key(), r.toJson());
    Rollout back = catalog.rollout("spam", 7).orElseThrow();
    assertThat(back).isEqualTo(r);
    assertThat(back.plan().gates().minAgreement()).isEqualTo(0.8);
    assertThat(catalog.runningRollout("spam")).isEmpty();
    assertThat(catalog.nextRolloutId("spam")).isEqualTo(8);
    catalog.apply(r.key(), null);
    assertThat(catalog.rollouts("spam")).isEmpty();
  }

  @Test
  void refusesPlansThatDoNotMakeSense() {
    for (String body :
        List.of(
            "{}",
            "{\"version\":0}",
            "{\"version\":1.5}",
            "{\"version\":2,\"steps\":[]}",
            "{\"version\":2,\"steps\":[0.5,0.25]}",
            "{\"version\":2,\"steps\":[0.5,0.5]}",
            "{\"version\":2,\"steps\":[0,1]}",
            "{\"version\":2,\"steps\":[0.5,1.5]}",
            "{\"version\":2,\"steps\":\"0.5\"}",
            "{\"version\":2,\"minResults\":0}",
            "{\"version\":2,\"gates\":{\"minAgreement\":2}}",
            "{\"version\":2,\"gates\":3}")) {
      assertThatThrownBy(() -> RolloutPlan.fromRequest(new JsonObject(body)))
          .as(body)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
