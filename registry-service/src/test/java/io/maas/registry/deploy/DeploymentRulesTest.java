package io.maas.registry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.common.http.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeploymentRulesTest {

  private static String refusal(String json) {
    try {
      DeploymentRules.parse(new JsonObject(json));
    } catch (ApiException e) {
      return e.code();
    }
    throw new AssertionError(json + " was accepted");
  }

  @Test
  void aBodyNamesProductionAndOptionallyACanaryWithItsWeightAndAShadow() {
    assertThat(DeploymentRules.parse(new JsonObject("{\"production\":3}")))
        .isEqualTo(new DeploymentRules.Request(3, null, null, null));
    assertThat(
            DeploymentRules.parse(
                new JsonObject(
                    "{\"production\":3,\"canary\":{\"version\":4,\"weight\":0.1},\"shadow\":5}")))
        .isEqualTo(new DeploymentRules.Request(3, 4, 0.1, 5));
  }

  @Test
  void aBodyWithoutProductionOrWithABadCanaryOrShadowIsRefused() {
    assertThat(refusal("{}")).isEqualTo("missing_field");
    assertThat(refusal("{\"production\":\"3\"}")).isEqualTo("missing_field");
    assertThat(refusal("{\"production\":3,\"canary\":{\"version\":4}}")).isEqualTo("invalid_field");
    assertThat(refusal("{\"production\":3,\"canary\":{\"weight\":0.5}}"))
        .isEqualTo("invalid_field");
    assertThat(refusal("{\"production\":3,\"canary\":{\"version\":4,\"weight\":0}}"))
        .isEqualTo("invalid_field");
    assertThat(refusal("{\"production\":3,\"canary\":{\"version\":4,\"weight\":1}}"))
        .isEqualTo("invalid_field");
    assertThat(refusal("{\"production\":3,\"canary\":{\"version\":3,\"weight\":0.5}}"))
        .as("the canary is production")
        .isEqualTo("invalid_field");
    assertThat(refusal("{\"production\":3,\"shadow\":3}"))
        .as("the shadow is production")
        .isEqualTo("invalid_field");
  }

  @Test
  void everyVersionNamedMustExist() {
    Set<Integer> versions = Set.of(1, 2, 3);
    DeploymentRules.requireKnown(
        "spam", new DeploymentRules.Request(3, 2, 0.5, 1), versions::contains);

    assertThatThrownBy(
            () ->
                DeploymentRules.requireKnown(
                    "spam", new DeploymentRules.Request(3, null, null, 9), versions::contains))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("unknown_version"))
        .hasMessage("model spam has no version 9");
  }

  @Test
  void revisionsCountUpFromOne() {
    assertThat(DeploymentRules.nextRevision(0)).isEqualTo(1L);
    assertThat(DeploymentRules.nextRevision(7)).isEqualTo(8L);
  }

  @Test
  void theProductionHistoryGrowsOnlyWhenProductionChanges() {
    assertThat(DeploymentRules.historyAfter(List.of(), 1)).containsExactly(1);
    assertThat(DeploymentRules.historyAfter(List.of(1, 2), 2))
        .as("a canary added to the same production")
        .containsExactly(1, 2);
    assertThat(DeploymentRules.historyAfter(List.of(1, 2), 1)).containsExactly(1, 2, 1);
  }

  @Test
  void aRollbackGoesBackOneProductionAndNeedsAnEarlierOne() {
    assertThat(DeploymentRules.historyAfterRollback(List.of(1, 2, 3))).contains(List.of(1, 2));
    assertThat(DeploymentRules.historyAfterRollback(List.of(1))).isEmpty();
    assertThat(DeploymentRules.historyAfterRollback(List.of())).isEmpty();
  }
}
