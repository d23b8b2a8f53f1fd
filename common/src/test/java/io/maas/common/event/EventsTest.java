package io.maas.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.maas.common.profile.TextDescriptors;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventsTest {

  private static final String SHA = "a".repeat(64);

  @Test
  void inferenceResultRoundTripKeepsScoreOrder() {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("spam", 0.98);
    scores.put("ham", 0.02);
    InferenceResult result =
        new InferenceResult(
            "r-1", "spam", 3, Role.CANARY, "spam", scores, 1L, 2L, 32, "inference-1");

    InferenceResult decoded = InferenceResult.decode(result.toBuffer().getBytes());

    assertThat(decoded).isEqualTo(result);
    assertThat(decoded.scores().keySet()).containsExactly("spam", "ham");
    assertThat(result.toJson().getString("role")).isEqualTo("canary");
  }

  @Test
  void inferenceResultCarriesTheTextDescriptorsWhenItHasThem() {
    TextDescriptors descriptors = TextDescriptors.of("Win $100 NOW, win!", Set.of("win", "now"));
    InferenceResult result =
        new InferenceResult(
            "r-1",
            "spam",
            3,
            Role.SHADOW,
            "spam",
            Map.of("spam", 1.0),
            1L,
            2L,
            1,
            "inference-1",
            descriptors);

    InferenceResult decoded = InferenceResult.decode(result.toBuffer().getBytes());

    assertThat(result.toJson().getJsonObject("descriptors").getMap())
        .containsOnlyKeys("chars", "words", "unseenWords", "nonLetters");
    assertThat(decoded.descriptors().chars()).isEqualTo(18);
    assertThat(decoded.descriptors().words()).isEqualTo(4);
    assertThat(decoded.descriptors().unseenWords()).isEqualTo(0.25);
    assertThat(decoded.descriptors().nonLetters()).isCloseTo(6 / 18.0, within(1e-4));
    InferenceResult without =
        new InferenceResult(
            "r-1", "spam", 3, Role.SHADOW, "spam", Map.of("spam", 1.0), 1L, 2L, 1, "inference-1");
    assertThat(without.toJson().containsKey("descriptors")).as("left out when null").isFalse();
    assertThat(InferenceResult.decode(without.toBuffer().getBytes()).descriptors()).isNull();
    assertThatThrownBy(
            () ->
                InferenceResult.decode(
                    without
                        .toJson()
                        .put(
                            "descriptors", new io.vertx.core.json.JsonObject().put("chars", "many"))
                        .toBuffer()
                        .getBytes()))
        .isInstanceOfSatisfying(
            EventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD));
  }

  @Test
  void inferenceResultRejectsUnknownRoleAndMissingScores() {
    String base =
        "{\"id\":\"r-1\",\"model\":\"spam\",\"version\":1,\"label\":\"ham\",\"ingestedAt\":1,"
            + "\"completedAt\":2,\"batchSize\":1,\"worker\":\"w\"";
    assertThatThrownBy(
            () ->
                InferenceResult.decode(
                    (base + ",\"role\":\"boss\",\"scores\":{}}").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            EventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD));
    assertThatThrownBy(
            () ->
                InferenceResult.decode(
                    (base + ",\"role\":\"production\"}").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            EventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_FIELD));
  }

  @Test
  void deadLetterKeepsUtf8PayloadAsText() {
    DeadLetter letter =
        DeadLetter.of(
            "r-1",
            "spam",
            "ingest",
            Reason.INVALID_JSON,
            "not valid JSON",
            "{\"text\": ünï".getBytes(StandardCharsets.UTF_8),
            5L);

    DeadLetter decoded = DeadLetter.decode(letter.toBuffer().getBytes());

    assertThat(decoded).isEqualTo(letter);
    assertThat(decoded.reason()).isEqualTo("invalid_json");
    assertThat(decoded.payload()).isEqualTo("{\"text\": ünï");
    assertThat(decoded.payloadEncoding()).isEqualTo("utf-8");
    assertThat(decoded.payloadTruncated()).isFalse();
    assertThat(decoded.version()).isNull();
  }

  @Test
  void deadLetterNamesTheVersionThatFailed() {
    DeadLetter letter =
        DeadLetter.of(
                "r-1",
                "spam",
                "inference",
                Reason.MODEL_FAILURE,
                "v3 failed",
                "{}".getBytes(StandardCharsets.UTF_8),
                5L)
            .withVersion(3);
    DeadLetter decoded = DeadLetter.decode(letter.toBuffer().getBytes());
    assertThat(decoded).isEqualTo(letter);
    assertThat(decoded.version()).isEqualTo(3);
  }

  @Test
  void deadLetterKeepsInvalidUtf8AsBase64OfTheOriginalBytes() {
    byte[] original = {(byte) 0xFF, (byte) 0xFE, 'x'};

    DeadLetter letter =
        DeadLetter.decode(
            DeadLetter.of(null, "spam", "inference", Reason.INVALID_UTF8, "bad bytes", original, 5L)
                .toBuffer()
                .getBytes());

    assertThat(letter.payloadEncoding()).isEqualTo("base64");
    assertThat(letter.payloadBytes()).containsExactly(original);
    assertThat(letter.id()).isNull();
  }

  @Test
  void deadLetterCutsLongPayloadsOnACharacterBoundary() {
    String text = "x" + "é".repeat(DeadLetter.MAX_PAYLOAD_BYTES);

    DeadLetter letter =
        DeadLetter.of(
            "r-1",
            "spam",
            "ingest",
            Reason.TEXT_TOO_LONG,
            "too long",
            text.getBytes(StandardCharsets.UTF_8),
            5L);

    assertThat(letter.payloadTruncated()).isTrue();
    byte[] kept = letter.payloadBytes();
    assertThat(kept.length)
        .isLessThanOrEqualTo(DeadLetter.MAX_PAYLOAD_BYTES)
        .isGreaterThan(DeadLetter.MAX_PAYLOAD_BYTES - 2);
    assertThat(new String(kept, StandardCharsets.UTF_8))
        .isEqualTo(letter.payload())
        .startsWith("xé")
        .endsWith("é");
  }

  @Test
  void modelDeploymentRoundTrip() {
    ModelDeployment deployment =
        new ModelDeployment(
            "spam",
            7,
            new ModelDeployment.Slot(3, "http://r/v1/models/spam/versions/3/artifact", SHA, null),
            new ModelDeployment.Slot(4, "http://r/v1/models/spam/versions/4/artifact", SHA, 0.1),
            null,
            99L);

    ModelDeployment decoded = ModelDeployment.decode(deployment.toBuffer().getBytes());

    assertThat(decoded).isEqualTo(deployment);
    assertThat(deployment.toJson().getJsonObject("production").containsKey("weight")).isFalse();
    assertThat(deployment.toJson().getValue("shadow")).isNull();
    assertThat(decoded.rollout()).isNull();

    ModelDeployment byRollout =
        new ModelDeployment(
            "spam",
            8,
            deployment.production(),
            deployment.canary(),
            null,
            100L,
            new ModelDeployment.RolloutMark(2, 4, "running", 0.1, 1, 4, null));
    assertThat(ModelDeployment.decode(byRollout.toBuffer().getBytes())).isEqualTo(byRollout);
  }

  @Test
  void modelDeploymentRejectsBadCanaryWeightAndDigest() {
    assertThatThrownBy(
            () ->
                new ModelDeployment(
                    "spam", 1, null, new ModelDeployment.Slot(4, "http://r/a", SHA, 1.5), null, 1L))
        .isInstanceOfSatisfying(
            EventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD));
    assertThatThrownBy(
            () ->
                ModelDeployment.decode(
                    ("{\"model\":\"spam\",\"revision\":1,\"updatedAt\":1,"
                            + "\"production\":{\"version\":1,\"artifact\":\"http://r/a\",\"sha256\":\"nope\"}}")
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            EventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD));
  }

  @Test
  void reasonCodesAreSnakeCase() {
    for (Reason reason : Reason.values()) {
      assertThat(reason.code()).matches("[a-z]+(_[a-z0-9]+)*");
    }
    assertThat(Reason.TEXT_TOO_LONG.code()).isEqualTo("text_too_long");
  }
}
