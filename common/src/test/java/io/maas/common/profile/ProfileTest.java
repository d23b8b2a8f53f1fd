package io.maas.common.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProfileTest {

  @Test
  void descriptorsCountWordsUnseenWordsAndNonLetters() {
    TextDescriptors d = TextDescriptors.of("Win $100 NOW, win!", Set.of("win", "now"));
    assertThat(d.chars()).isEqualTo(18);
    assertThat(d.words()).isEqualTo(4);
    assertThat(d.unseenWords()).isEqualTo(0.25);
    assertThat(d.nonLetters()).as("$, 1, 0, 0, comma, !").isEqualTo(6 / 18.0);
    assertThat(TextDescriptors.of("", null).unseenWords()).isNaN();
    assertThat(TextDescriptors.fromJson(d.toJson()).words()).isEqualTo(4);
  }

  @Test
  void valuesFallInTheirBinsAndOutliersInTheEdgeBins() {
    Distribution d = new Distribution(new double[] {0, 1, 2});
    d.add(-5);
    d.add(0.5);
    d.add(1);
    d.add(99);
    d.add(Double.NaN);
    assertThat(d.counts()).containsExactly(3, 2);
    assertThatThrownBy(() -> new Distribution(new double[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aProfileRoundTripsThroughJsonWithItsCalibrationTable() {
    ReferenceProfile.Builder builder = new ReferenceProfile.Builder(List.of("ham", "spam"));
    builder.add("spam", 0.995, TextDescriptors.of("free money", Set.of("free")), "spam");
    builder.add("ham", 0.97, TextDescriptors.of("see you at lunch", Set.of()), "spam");
    ReferenceProfile profile =
        ReferenceProfile.fromJson(builder.build(ReferenceProfile.TRAINING, true).toJson());
    assertThat(profile.examples()).isEqualTo(2);
    assertThat(profile.labels()).containsEntry("ham", 1L).containsEntry("spam", 1L);
    int high = profile.confidence().bin(0.995);
    assertThat(profile.accuracy(high)).isEqualTo(1.0);
    assertThat(profile.accuracy(profile.confidence().bin(0.97))).isEqualTo(0.0);
    assertThat(profile.descriptors().get(TextDescriptors.WORDS).total()).isEqualTo(2);
    assertThat(builder.build(ReferenceProfile.PRODUCTION, false).calibrated()).isFalse();
  }

  @Test
  void otherViewsOfTheHeldOutTextsCountInTheCalibrationTableOnly() {
    ReferenceProfile.Builder builder = new ReferenceProfile.Builder(List.of("ham", "spam"));
    builder.add("spam", 0.995, TextDescriptors.of("free money", Set.of("free")), "spam");
    builder.calibrate("spam", 0.75, "spam").calibrate("ham", 0.72, "spam");
    ReferenceProfile profile =
        ReferenceProfile.fromJson(builder.build(ReferenceProfile.TRAINING, true).toJson());

    int unsure = profile.confidence().bin(0.75);
    assertThat(profile.examples()).isEqualTo(1);
    assertThat(profile.confidence().total()).as("the drift parts: one text").isEqualTo(1);
    assertThat(profile.calibration().total()).isEqualTo(3);
    assertThat(profile.calibrationAnswers(unsure)).isEqualTo(2);
    assertThat(profile.accuracy(unsure)).isEqualTo(0.5);
    assertThat(profile.accuracy(profile.confidence().bin(0.995))).isEqualTo(1.0);
  }

  @Test
  void aProfileWrittenBeforeTheTableHadItsOwnCountsReadsAsBefore() {
    ReferenceProfile.Builder builder = new ReferenceProfile.Builder(List.of("ham", "spam"));
    builder.add("spam", 0.995, null, "spam").add("ham", 0.97, null, "spam");
    io.vertx.core.json.JsonObject json = builder.build(ReferenceProfile.TRAINING, true).toJson();
    // then, the table repeated the confidence's counts
    json.getJsonObject("calibration")
        .put("counts", json.getJsonObject("confidence").getJsonArray("counts").copy());

    ReferenceProfile profile = ReferenceProfile.fromJson(json);
    assertThat(profile.calibration().counts()).containsExactly(profile.confidence().counts());
    assertThat(profile.accuracy(profile.confidence().bin(0.97))).isEqualTo(0.0);
    assertThatThrownBy(
            () ->
                ReferenceProfile.fromJson(
                    json.put(
                        "calibration",
                        json.getJsonObject("calibration").copy().put("edges", List.of(0, 1)))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
