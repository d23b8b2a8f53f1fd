package io.maas.monitor.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Reason;
import io.maas.common.event.Role;
import io.maas.common.profile.TextDescriptors;
import io.maas.monitor.drift.DriftCheck;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowsTest {

  private static final long NOW = 1_800_000_000_000L;
  private static final Duration HOUR = Duration.ofHours(1);
  private final Windows windows =
      new Windows(
          new DriftCheck(0.2, 0.1, 10),
          20,
          1000,
          Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  private static InferenceResult result(String id, int version, Role role, String label, long at) {
    double p = "spam".equals(label) ? 0.97 : 0.03;
    return new InferenceResult(
        id,
        "spam",
        version,
        role,
        label,
        Map.of("ham", 1 - p, "spam", p),
        at - 12,
        at,
        8,
        "w",
        new TextDescriptors(300, 50, 0.02, 0.1));
  }

  private static ModelDeployment.Slot slot(int version, Double weight) {
    return new ModelDeployment.Slot(version, "http://registry/v" + version, "a".repeat(64), weight);
  }

  private static ModelDeployment deployment(
      long revision, ModelDeployment.Slot canary, ModelDeployment.Slot shadow) {
    return new ModelDeployment("spam", revision, slot(1, null), canary, shadow, NOW);
  }

  private JsonObject version(String v) {
    return windows
        .summary(HOUR, "spam")
        .getJsonObject("models")
        .getJsonObject("spam")
        .getJsonObject("versions")
        .getJsonObject(v);
  }

  @Test
  void aVersionWithoutTrainingProfileIsProfiledOnItsFirstAnswers() {
    windows.deployment(deployment(1, null, null));
    assertThat(windows.profilesToFetch()).containsExactly(Map.entry("spam", 1));
    assertThat(windows.profilesSettled()).isFalse();
    windows.profileFetched("spam", 1, null);
    assertThat(windows.profilesSettled()).isTrue();
    for (int i = 0; i < 19; i++) {
      windows.result(
          result("r-" + i, 1, Role.PRODUCTION, i % 3 == 0 ? "spam" : "ham", NOW - 1000), false);
    }
    assertThat(version("1").getJsonObject("profile").getBoolean("building")).isTrue();
    windows.result(result("r-19", 1, Role.PRODUCTION, "ham", NOW - 1000), false);
    JsonObject profile = version("1").getJsonObject("profile");
    assertThat(profile.getString("source")).isEqualTo("production");
    assertThat(profile.getLong("examples")).isEqualTo(20);
    assertThat(profile.getBoolean("calibrated")).isFalse();
    assertThat(version("1").getJsonObject("drift").getBoolean("judged")).isTrue();
    assertThat(version("1").getJsonObject("drift").getBoolean("drifted"))
        .as("the same traffic as its profile")
        .isFalse();
  }

  @Test
  void shadowAndCanaryAnswersMeetProductionsWhicheverComesFirst() {
    windows.deployment(deployment(1, null, slot(3, null)));
    windows.result(result("a", 1, Role.PRODUCTION, "spam", NOW - 5000), false);
    windows.result(result("a", 3, Role.SHADOW, "spam", NOW - 5000), true);
    windows.result(result("b", 3, Role.SHADOW, "spam", NOW - 5000), true);
    windows.result(result("b", 1, Role.PRODUCTION, "ham", NOW - 5000), false);
    JsonObject shadow = version("3");
    assertThat(shadow.getString("role")).isEqualTo("shadow");
    assertThat(shadow.getLong("shadowResults")).isEqualTo(2);
    assertThat(shadow.getJsonObject("agreement").getLong("compared")).isEqualTo(2);
    assertThat(shadow.getJsonObject("agreement").getDouble("rate")).isEqualTo(0.5);

    windows.deployment(deployment(2, slot(2, 0.1), null));
    windows.result(result("c", 2, Role.CANARY, "spam", NOW - 4000), false);
    // production's control answer for the canary's
    // request, on the shadow topic: compared, not counted
    windows.result(result("c", 1, Role.PRODUCTION, "spam", NOW - 4000), true);
    assertThat(version("2").getJsonObject("agreement").getDouble("rate")).isEqualTo(1.0);
    assertThat(version("1").getLong("results")).isEqualTo(2);
    assertThat(version("1").getLong("shadowResults")).isZero();
  }

  @Test
  void groundTruthGivesRealizedAccuracyAndTheEstimatesError() {
    windows.deployment(deployment(1, null, null));
    windows.feedback("spam", "x", "spam");
    windows.result(result("x", 1, Role.PRODUCTION, "spam", NOW - 1000), false);
    windows.result(result("y", 1, Role.PRODUCTION, "spam", NOW - 1000), false);
    windows.feedback("spam", "y", "ham");
    JsonObject realized = version("1").getJsonObject("realizedAccuracy");
    assertThat(realized.getLong("labelled")).isEqualTo(2);
    assertThat(realized.getDouble("accuracy")).isEqualTo(0.5);
    assertThat(realized.getDouble("estimateError"))
        .isEqualTo(
            version("1").getDouble("estimatedAccuracy") - 0.5,
            org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void windowsCountOnlyTheirSlotsAndDeadLettersGoToTheirModel() {
    windows.deployment(deployment(1, null, null));
    windows.result(
        result("old", 1, Role.PRODUCTION, "ham", NOW - Duration.ofMinutes(20).toMillis()), false);
    windows.result(result("new", 1, Role.PRODUCTION, "ham", NOW - 1000), false);
    windows.deadLetter(
        DeadLetter.of(
            "d", "spam", "inference", Reason.INVALID_JSON, "bad", new byte[] {1}, NOW - 1000));
    windows.deadLetter(
        DeadLetter.of(
            "e", null, "ingest", Reason.INVALID_MODEL, "bad", new byte[] {1}, NOW - 1000));
    assertThat(version("1").getLong("results")).isEqualTo(2);
    JsonObject five = windows.summary(Duration.ofMinutes(5), null);
    assertThat(
            five.getJsonObject("models")
                .getJsonObject("spam")
                .getJsonObject("versions")
                .getJsonObject("1")
                .getLong("results"))
        .isEqualTo(1);
    assertThat(
            five.getJsonObject("models")
                .getJsonObject("spam")
                .getJsonObject("deadLetters")
                .getLong("invalid_json"))
        .isEqualTo(1);
    assertThat(five.getJsonObject("unattributedDeadLetters").getLong("invalid_model")).isEqualTo(1);
    assertThat(Instant.parse(five.getString("from")).toEpochMilli() % SeriesWindow.SLOT_MILLIS)
        .isZero();
  }

  @Test
  void aVersionsOwnFailuresAreCountedOnItEvenWithoutResults() {
    windows.deployment(deployment(1, null, null));
    windows.result(result("ok", 1, Role.PRODUCTION, "ham", NOW - 1000), false);
    windows.deadLetter(
        DeadLetter.of(
                "f1",
                "spam",
                "inference",
                Reason.MODEL_FAILURE,
                "v3 failed",
                new byte[] {1},
                NOW - 1000)
            .withVersion(3));
    windows.deadLetter(
        DeadLetter.of(
                "f2",
                "spam",
                "inference",
                Reason.MODEL_FAILURE,
                "v3 failed",
                new byte[] {1},
                NOW - 900)
            .withVersion(3));
    windows.deadLetter(
        DeadLetter.of(
            "bad", "spam", "inference", Reason.INVALID_JSON, "bad", new byte[] {1}, NOW - 900));
    JsonObject versions =
        windows
            .summary(Duration.ofMinutes(5), null)
            .getJsonObject("models")
            .getJsonObject("spam")
            .getJsonObject("versions");
    assertThat(versions.getJsonObject("3").getJsonObject("deadLetters").getLong("model_failure"))
        .isEqualTo(2);
    assertThat(versions.getJsonObject("3").getLong("results")).isZero();
    assertThat(versions.getJsonObject("1").getJsonObject("deadLetters"))
        .as("nothing blamed on production")
        .isEmpty();
  }
}
