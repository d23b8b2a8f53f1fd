package io.maas.trainer.eval;

/**
 * Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017) and the
 * expected calibration error. One scalar T divides the logits before the softmax: it changes
 * how sure the model says it is, never which class it picks.
 */
public final class Calibration {

  /** Equal-width bins of the top-class probability for the expected calibration error. */
  public static final int ECE_BINS = 15;

  static final double MIN_TEMPERATURE = 0.05;
  static final double MAX_TEMPERATURE = 20;

  private Calibration() {}

  /**
   * The temperature that minimises the mean negative log-likelihood of the true classes, by a
   * golden-section search over log T in [0.05, 20] (the likelihood is unimodal in T).
   */
  public static double fitTemperature(double[][] logits, int[] truth) {
    if (logits.length == 0) {
      return 1;
    }
    double a = Math.log(MIN_TEMPERATURE);
    double b = Math.log(MAX_TEMPERATURE);
    double ratio = (Math.sqrt(5) - 1) / 2;
    double c = b - ratio * (b - a);
    double d = a + ratio * (b - a);
    double fc = negativeLogLikelihood(logits, truth, Math.exp(c));
    double fd = negativeLogLikelihood(logits, truth, Math.exp(d));
    for (int i = 0; i < 100 && b - a > 1e-6; i++) {
      if (fc <= fd) {
        b = d;
        d = c;
        fd = fc;
        c = b - ratio * (b - a);
        fc = negativeLogLikelihood(logits, truth, Math.exp(c));
      } else {
        a = c;
        c = d;
        fc = fd;
        d = a + ratio * (b - a);
        fd = negativeLogLikelihood(logits, truth, Math.exp(d));
      }
    }
    return Math.exp((a + b) / 2);
  }

  /** The mean of -log softmax(logits / T)[truth]. */
  public static double negativeLogLikelihood(double[][] logits, int[] truth, double temperature) {
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double z : logits[i]) {
        max = Math.max(max, z / temperature);
      }
      double total = 0;
      for (double z : logits[i]) {
        total += Math.exp(z / temperature - max);
      }
      sum += max + Math.log(total) - logits[i][truth[i]] / temperature;
    }
    return logits.length == 0 ? 0 : sum / logits.length;
  }

  /** softmax(logits / T), row by row. */
  public static double[][] softmax(double[][] logits, double temperature) {
    double[][] out = new double[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double z : logits[i]) {
        max = Math.max(max, z / temperature);
      }
      out[i] = new double[logits[i].length];
      double total = 0;
      for (int c = 0; c < out[i].length; c++) {
        out[i][c] = Math.exp(logits[i][c] / temperature - max);
        total += out[i][c];
      }
      for (int c = 0; c < out[i].length; c++) {
        out[i][c] /= total;
      }
    }
    return out;
  }

  /**
   * The probabilities a model gave before a temperature T was applied: log p is the logits over
   * T less a constant per row, so softmax(T log p) gives softmax(logits) back.
   */
  public static double[][] uncalibrated(double[][] probabilities, double temperature) {
    double[][] logits = new double[probabilities.length][];
    for (int i = 0; i < probabilities.length; i++) {
      logits[i] = new double[probabilities[i].length];
      for (int c = 0; c < logits[i].length; c++) {
        // a float probability can underflow to 0; the smallest double keeps the logarithm finite
        logits[i][c] = Math.log(Math.max(probabilities[i][c], Double.MIN_VALUE));
      }
    }
    return softmax(logits, 1 / temperature);
  }

  /**
   * The expected calibration error: the top-class probabilities in {@code bins} equal-width
   * bins of [0, 1], and the mean over bins of |accuracy - mean confidence| weighed by the share
   * of answers in each.
   */
  public static double expectedCalibrationError(int[] truth, double[][] probabilities, int bins) {
    if (truth.length == 0) {
      return 0;
    }
    double[] confidence = new double[bins];
    int[] correct = new int[bins];
    int[] count = new int[bins];
    for (int i = 0; i < truth.length; i++) {
      int predicted = Evaluation.argMax(probabilities[i]);
      double p = probabilities[i][predicted];
      int bin = Math.min(bins - 1, (int) (p * bins));
      confidence[bin] += p;
      count[bin]++;
      if (predicted == truth[i]) {
        correct[bin]++;
      }
    }
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        ece += Math.abs(correct[b] - confidence[b]) / truth.length;
      }
    }
    return ece;
  }

  /** The mean top-class probability. */
  public static double meanConfidence(double[][] probabilities) {
    double sum = 0;
    for (double[] p : probabilities) {
      sum += p[Evaluation.argMax(p)];
    }
    return probabilities.length == 0 ? 0 : sum / probabilities.length;
  }
}
