package io.maas.monitor.drift;

/**
 * Distances between two histograms over the same bins, from counts: the Population Stability
 * Index (PSI, the credit-scoring rule of thumb: below 0.1 stable, 0.1-0.2 moderate, above 0.2 a
 * shift) and the Jensen-Shannon distance (square root of the base-2 divergence, in [0, 1];
 * Evidently's default drift threshold is 0.1). Counts get additive smoothing of half a count
 * per bin, so that an empty bin on one side does not make the PSI infinite.
 */
public final class Divergence {

  private static final double SMOOTHING = 0.5;

  private Divergence() {}

  /** PSI of {@code actual} against {@code expected}. */
  public static double psi(long[] expected, long[] actual) {
    double[] e = shares(expected);
    double[] a = shares(actual);
    double psi = 0;
    for (int i = 0; i < e.length; i++) {
      psi += (a[i] - e[i]) * Math.log(a[i] / e[i]);
    }
    return psi;
  }

  /** Jensen-Shannon distance, base 2. */
  public static double jensenShannon(long[] expected, long[] actual) {
    double[] p = shares(expected);
    double[] q = shares(actual);
    double js = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      js += 0.5 * p[i] * log2(p[i] / m) + 0.5 * q[i] * log2(q[i] / m);
    }
    return Math.sqrt(Math.max(0, js));
  }

  private static double[] shares(long[] counts) {
    double total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] shares = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      shares[i] = (counts[i] + SMOOTHING) / (total + SMOOTHING * counts.length);
    }
    return shares;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
