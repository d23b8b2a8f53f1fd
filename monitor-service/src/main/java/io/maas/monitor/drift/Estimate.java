package io.maas.monitor.drift;

import io.maas.common.profile.Distribution;
import io.maas.common.profile.ReferenceProfile;

/**
 * Label-free accuracy, NannyML's confidence-based performance estimation (CBPE) in its simplest
 * form: each answer is right with the probability that held-out answers of the same confidence
 * were right (the profile's calibration table); the estimate is the mean over the window. Bins
 * without held-out answers fall back to the confidence itself; a profile without a table
 * (built from production answers) trusts the model's confidence as it is.
 */
public final class Estimate {

  private Estimate() {
  }

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
      double accuracy = profile == null ? Double.NaN : profile.accuracy(bin);
      if (Double.isNaN(accuracy)) {
        // the bin's middle confidence, an answer's chance of being right if the model is calibrated
        accuracy = Math.min(1.0, (edges[bin] + edges[bin + 1]) / 2);
      }
      expected += n * accuracy;
    }
    return expected / total;
  }
}
