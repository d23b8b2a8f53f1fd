package io.maas.bench;

import io.maas.common.profile.TextDescriptors;
import io.maas.model.LoadedModel;
import io.maas.monitor.window.SeriesWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the monitor keeps of one answer of the model, with the text's true label when it has one:
 * the unit of the drift experiment, added to the monitor's own window as the service adds it.
 */
record DriftAnswer(String label, double top, TextDescriptors descriptors, String truth) {

  private static final long T0 = 1_800_000_000_000L;

  /** The model's answers to {@code texts}, in batches of 64; {@code truths} is null for texts with no label. */
  static List<DriftAnswer> of(
      LoadedModel model,
      List<String> classes,
      Set<String> vocabulary,
      List<String> texts,
      List<String> truths) {
    List<DriftAnswer> answers = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += 64) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + 64));
      float[][] probabilities = model.predict(batch);
      for (int i = 0; i < batch.size(); i++) {
        int best = 0;
        for (int c = 1; c < probabilities[i].length; c++) {
          if (probabilities[i][c] > probabilities[i][best]) {
            best = c;
          }
        }
        answers.add(
            new DriftAnswer(
                classes.get(best),
                probabilities[i][best],
                TextDescriptors.of(batch.get(i), vocabulary),
                truths == null ? null : truths.get(from + i)));
      }
    }
    return answers;
  }

  /** Adds this answer to {@code window} as its {@code i}-th, one millisecond after the one before. */
  void addTo(SeriesWindow window, int i) {
    window.add(T0 + i, label, top, descriptors, 10);
  }
}
