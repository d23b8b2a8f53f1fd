package io.maas.trainer.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Multinomial Naive Bayes over word counts with Laplace smoothing: the classic spam filter,
 * trained in the same run on the same split as the model, as the baseline it must beat.
 */
public final class NaiveBayes {

  private final int classes;
  private final double alpha;
  private final double[] logPrior;
  private final Map<String, double[]> logLikelihood = new HashMap<>();
  private final double[] logUnseen;

  private NaiveBayes(int classes, double alpha) {
    this.classes = classes;
    this.alpha = alpha;
    this.logPrior = new double[classes];
    this.logUnseen = new double[classes];
  }

  /**
   * @param documents tokens of each training document
   * @param labels    class index of each document
   */
  public static NaiveBayes fit(
      List<List<String>> documents, int[] labels, int classes, double alpha) {
    NaiveBayes model = new NaiveBayes(classes, alpha);
    Map<String, long[]> counts = new HashMap<>();
    long[] totals = new long[classes];
    long[] docs = new long[classes];
    for (int i = 0; i < documents.size(); i++) {
      int label = labels[i];
      docs[label]++;
      for (String token : documents.get(i)) {
        counts.computeIfAbsent(token, t -> new long[classes])[label]++;
        totals[label]++;
      }
    }
    int vocabulary = counts.size();
    for (int c = 0; c < classes; c++) {
      // A class without documents gets a vanishing prior rather than log(0).
      model.logPrior[c] = Math.log((docs[c] + 1e-9) / documents.size());
      model.logUnseen[c] = Math.log(alpha / (totals[c] + alpha * vocabulary));
    }
    counts.forEach(
        (token, perClass) -> {
          double[] logs = new double[classes];
          for (int c = 0; c < classes; c++) {
            logs[c] = Math.log((perClass[c] + alpha) / (totals[c] + alpha * vocabulary));
          }
          model.logLikelihood.put(token, logs);
        });
    return model;
  }

  /** Class probabilities; words never seen in training are ignored. */
  public double[] predict(List<String> tokens) {
    double[] scores = logPrior.clone();
    for (String token : tokens) {
      double[] logs = logLikelihood.get(token);
      if (logs != null) {
        for (int c = 0; c < classes; c++) {
          scores[c] += logs[c];
        }
      }
    }
    return softmax(scores);
  }

  static double[] softmax(double[] scores) {
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    double[] p = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      p[i] = Math.exp(scores[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  public int vocabularySize() {
    return logLikelihood.size();
  }

  double alpha() {
    return alpha;
  }
}
