package io.maas.monitor.drift;

import io.maas.common.profile.Distribution;
import io.maas.common.profile.ReferenceProfile;

/**
 * Label-free accuracy, NannyML's confidence-based performance estimation (CBPE) in its simplest
 * form: each answer is right with the probability that held-out answers of the same confidence
 * were right (the profile's calibration table); the estimate is the mean over the window. A
 * bin's accuracy is shrunk towards its middle confidence by {@value #PRIOR} pseudo-answers, so
 * that a bin with three held-out answers, all right, does not promise 100%; bins without
 * held-out answers, and profiles without a table (built from production answers), trust the
 * model's confidence as it is.
 */
public final class Estimate {

  /** Pseudo-answers at the bin's middle confidence added to each bin of the calibration table. */
  static final double PRIOR = 5;

  private Estimate() {}

  /** Expected accuracy of the answers counted in {@code confidence}; NaN without answers. */
  public static double accuracy(Distribution confidence, ReferenceProfile profile) {
    long total = confidence.total();
    if (total == 0) {
      return Double.NaN;
    }
    double[] edges = confidence.edges();
    double expected = 0;
    for (int bin = 0; bin < confidence.bins(); bin++) {
      long n = confidence.count(bin);
      if (n == 0) {
        continue;
      }
      // the bin's middle confidence: an answer's chance of being right if the model is calibrated
      double middle = Math.min(1.0, (edges[bin] + edges[bin + 1]) / 2);
      double accuracy = middle;
      if (profile != null && profile.calibrated()) {
        long held = profile.calibrationAnswers(bin);
        double right = held == 0 ? 0 : profile.accuracy(bin) * held;
        accuracy = (right + PRIOR * middle) / (held + PRIOR);
      }
      expected += n * accuracy;
    }
    return expected / total;
  }
}
