package io.maas.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void eceOfAPerfectlyCalibratedAndOfAnOverconfidentModel() {
    // 10 answers at 0.8, 8 of them right: calibrated
    int[] truth = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    double[][] p = new double[10][];
    for (int i = 0; i < 10; i++) {
      p[i] = new double[] {0.8, 0.2};
    }
    assertThat(Calibration.expectedCalibrationError(truth, p, 15)).isCloseTo(0, within(1e-12));

    // the same answers said with 0.99: off by 0.19
    for (int i = 0; i < 10; i++) {
      p[i] = new double[] {0.99, 0.01};
    }
    assertThat(Calibration.expectedCalibrationError(truth, p, 15)).isCloseTo(0.19, within(1e-12));
  }

  @Test
  void eceWeighsBinsByTheirShare() {
    // bin of 0.6 (2 answers, 1 right: |0.5 - 0.6| = 0.1) and bin of 1.0 (2 answers, both right: 0)
    int[] truth = {0, 1, 0, 1};
    double[][] p = {{0.6, 0.4}, {0.6, 0.4}, {1.0, 0.0}, {0.0, 1.0}};
    assertThat(Calibration.expectedCalibrationError(truth, p, 15))
        .isCloseTo(0.1 * 2 / 4, within(1e-12));
  }

  @Test
  void theFittedTemperatureUndoesAKnownScaling() {
    // labels drawn from softmax(z), logits shown as 3z: the best temperature is about 3
    Random random = new Random(1);
    int n = 20_000;
    double[][] logits = new double[n][];
    int[] truth = new int[n];
    for (int i = 0; i < n; i++) {
      double z = random.nextGaussian() * 2;
      double pSpam = 1 / (1 + Math.exp(-z));
      truth[i] = random.nextDouble() < pSpam ? 1 : 0;
      logits[i] = new double[] {0, 3 * z};
    }
    double t = Calibration.fitTemperature(logits, truth);
    assertThat(t).isCloseTo(3, within(0.15));
    assertThat(Calibration.negativeLogLikelihood(logits, truth, t))
        .isLessThan(Calibration.negativeLogLikelihood(logits, truth, 1));
    assertThat(Calibration.expectedCalibrationError(truth, Calibration.softmax(logits, t), 15))
        .isLessThan(
            Calibration.expectedCalibrationError(truth, Calibration.softmax(logits, 1), 15));
  }

  @Test
  void aTemperatureNeverChangesTheAnswerAndCanBeUndone() {
    double[][] logits = {{1.5, -0.5}, {-2, 3}, {0.1, 0.2}};
    double[][] calibrated = Calibration.softmax(logits, 2.5);
    double[][] raw = Calibration.softmax(logits, 1);
    double[][] undone = Calibration.uncalibrated(calibrated, 2.5);
    for (int i = 0; i < logits.length; i++) {
      assertThat(Evaluation.argMax(calibrated[i])).isEqualTo(Evaluation.argMax(raw[i]));
      assertThat(undone[i]).containsExactly(raw[i], within(1e-12));
    }
  }
}
