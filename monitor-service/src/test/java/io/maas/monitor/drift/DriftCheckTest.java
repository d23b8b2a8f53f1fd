package io.maas.monitor.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.profile.Distribution;
import io.maas.common.profile.ReferenceProfile;
import io.maas.common.profile.TextDescriptors;
import io.maas.monitor.window.Aggregate;
import io.maas.monitor.window.SeriesWindow;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftCheckTest {

  private static final long T0 = 1_800_000_000_000L;
  private final DriftCheck check = new DriftCheck(0.2, 0.1, 500);

  /** Held-out answers: 60% ham, confident, short texts with few unseen words. */
  private static ReferenceProfile profile(Random random) {
    ReferenceProfile.Builder builder = new ReferenceProfile.Builder(List.of("ham", "spam"));
    for (int i = 0; i < 2000; i++) {
      boolean ham = random.nextDouble() < 0.6;
      double confidence = 0.9 + random.nextDouble() * 0.1;
      String predicted = ham ? "ham" : "spam";
      String truth = random.nextDouble() < confidence ? predicted : (ham ? "spam" : "ham");
      builder.add(predicted, confidence, text(random, 0.05), truth);
    }
    return builder.build(ReferenceProfile.TRAINING, true);
  }

  private static TextDescriptors text(Random random, double unseen) {
    int words = 20 + random.nextInt(200);
    return new TextDescriptors(
        words * 6, words, unseen * random.nextDouble() * 2, 0.05 + random.nextDouble() * 0.05);
  }

  private static Aggregate stream(Random random, int n, double hamShare, double unseen) {
    SeriesWindow window = new SeriesWindow();
    for (int i = 0; i < n; i++) {
      window.add(
          T0 + i,
          random.nextDouble() < hamShare ? "ham" : "spam",
          0.9 + random.nextDouble() * 0.1,
          text(random, unseen),
          10);
    }
    return window.aggregate(Long.MIN_VALUE, Long.MAX_VALUE);
  }

  @Test
  void trafficLikeTheHeldOutDataDoesNotDrift() {
    Random random = new Random(1);
    ReferenceProfile profile = profile(random);
    DriftCheck.Verdict verdict = check.judge(stream(random, 1000, 0.6, 0.05), profile);
    assertThat(verdict.judged()).isTrue();
    assertThat(verdict.drifted()).as("%s", verdict).isFalse();
    assertThat(verdict.score()).isLessThan(0.05);
  }

  @Test
  void aFloodOfOneClassDriftsOnTheLabelMix() {
    Random random = new Random(2);
    DriftCheck.Verdict verdict = check.judge(stream(random, 1000, 0.02, 0.05), profile(random));
    assertThat(verdict.drifted()).isTrue();
    assertThat(verdict.checks().get(DriftCheck.LABELS).drifted()).isTrue();
    assertThat(verdict.worst()).isEqualTo(DriftCheck.LABELS);
  }

  @Test
  void textFromAnotherDomainDriftsOnUnseenWords() {
    Random random = new Random(3);
    DriftCheck.Verdict verdict = check.judge(stream(random, 1000, 0.6, 0.4), profile(random));
    assertThat(verdict.checks().get(TextDescriptors.UNSEEN_WORDS).drifted()).isTrue();
    assertThat(verdict.checks().get(DriftCheck.LABELS).drifted()).isFalse();
  }

  @Test
  void fewAnswersAreNotJudged() {
    Random random = new Random(4);
    assertThat(check.judge(stream(random, 100, 0.0, 0.9), profile(random)).judged()).isFalse();
  }

  @Test
  void theEstimateFollowsTheCalibrationTable() {
    Random random = new Random(5);
    ReferenceProfile profile = profile(random);
    Distribution confident = ReferenceProfile.confidenceBins();
    for (int i = 0; i < 100; i++) {
      confident.add(0.995);
    }
    int bin = confident.bin(0.995);
    long held = profile.calibrationAnswers(bin);
    double middle = (0.99 + 0.999) / 2;
    double expected =
        (profile.accuracy(bin) * held + Estimate.PRIOR * middle) / (held + Estimate.PRIOR);
    assertThat(Estimate.accuracy(confident, profile))
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9))
        .isGreaterThan(0.95);
    Distribution unsure = ReferenceProfile.confidenceBins();
    unsure.add(0.55);
    assertThat(Estimate.accuracy(unsure, profile))
        .as("no held-out answers there: the confidence itself")
        .isEqualTo(0.55);
    assertThat(Estimate.accuracy(ReferenceProfile.confidenceBins(), profile)).isNaN();
  }
}
