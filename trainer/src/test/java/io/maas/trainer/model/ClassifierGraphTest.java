package io.maas.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

class ClassifierGraphTest {

  private static final List<String> TEXTS =
      List.of("click now", "now click", "click", "", "now, CLICK!");

  @Test
  void wordsAloneIgnoreTheirOrder() {
    float[][] logits = logits(1);

    assertThat(logits[0]).containsExactly(logits[1]);
    assertThat(logits[4]).containsExactly(logits[1]);
  }

  @Test
  void wordPairsTellTheOrderAndStayWithinTheirText() {
    float[][] logits = logits(2);

    assertThat(logits[0]).isNotEqualTo(logits[1]);
    // the same words in the same order after lower-casing and punctuation: the same pair
    assertThat(logits[4]).containsExactly(logits[1]);
    // one word has no pair and an empty text none at all; a pair never spans two texts of a batch
    // (within float rounding: the batch's size changes how the matrix product is blocked)
    float[][] apart = logits(2, List.of("click", ""));
    assertThat(apart[0]).containsExactly(logits[2], within(1e-6f));
    assertThat(apart[1]).containsExactly(logits[3], within(1e-6f));
  }

  private static float[][] logits(int ngrams) {
    return logits(ngrams, TEXTS);
  }

  private static float[][] logits(int ngrams, List<String> texts) {
    TrainOptions options =
        new TrainOptions(1 << 10, 4, 1, 1, 0.01f, 1000, 1L, 0.2, 0.1, 1, 1, ngrams);
    Random random = new Random(7);
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      ClassifierGraph.Weights w =
          new ClassifierGraph.Weights(
              tf.constant(gaussian(random, 1 << 10, 4)),
              tf.constant(new float[] {0.1f, -0.1f, 0.2f, 0f}),
              tf.constant(gaussian(random, 4, 2)),
              tf.constant(new float[] {0f, 0f}));
      Placeholder<TString> text = ClassifierGraph.textInput(tf);
      Operand<TFloat32> logits = ClassifierGraph.logits(tf, text, w, options);
      try (TString batch = TString.vectorOf(texts.toArray(String[]::new));
          Result result = session.runner().feed(text, batch).fetch(logits).run()) {
        return StdArrays.array2dCopyOf((TFloat32) result.get(0));
      }
    }
  }

  private static float[][] gaussian(Random random, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return m;
  }
}
