package io.maas.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

  @Test
  void metricsOfASmallKnownCase() {
    int[] truth = {0, 0, 0, 1, 1};
    double[][] p = {{0.9, 0.1}, {0.8, 0.2}, {0.4, 0.6}, {0.3, 0.7}, {0.6, 0.4}};

    Evaluation e = Evaluation.of("m", List.of("ham", "spam"), truth, p);

    assertThat(e.accuracy()).isCloseTo(0.6, within(1e-12));
    assertThat(e.confusion()).isEqualTo(new int[][] {{2, 1}, {1, 1}});
    assertThat(e.precision()[1]).isCloseTo(0.5, within(1e-12));
    assertThat(e.recall()[1]).isCloseTo(0.5, within(1e-12));
    assertThat(e.f1Of("ham")).isCloseTo(2 / 3.0, within(1e-12));
    // spam scores 0.7, 0.4 against ham's 0.1, 0.2, 0.6: 5 of 6 pairs ordered right.
    assertThat(e.rocAuc()).isCloseTo(5 / 6.0, within(1e-12));
    assertThat(e.toJson().getJsonObject("classes").getJsonObject("spam").getInteger("support"))
        .isEqualTo(2);
  }

  @Test
  void accuracyIntervalIsWilsons() {
    // 0 right of 10: the textbook Wilson interval is [0, 0.2775]; 1,188 of 1,200: [0.9826, 0.9943]
    Evaluation none =
        Evaluation.of(
            "m", List.of("ham", "spam"), new int[10], filled(10, 10, new double[] {0, 1}));
    Evaluation most =
        Evaluation.of(
            "m", List.of("ham", "spam"), new int[1200], filled(1200, 1188, new double[] {1, 0}));

    assertThat(none.accuracyInterval()[0]).isCloseTo(0, within(1e-9));
    assertThat(none.accuracyInterval()[1]).isCloseTo(0.2775, within(1e-4));
    assertThat(most.accuracyInterval()[0]).isCloseTo(0.9826, within(1e-4));
    assertThat(most.accuracyInterval()[1]).isCloseTo(0.9943, within(1e-4));
    assertThat(most.toJson().getJsonArray("accuracy95").getDouble(0))
        .isCloseTo(0.9826, within(1e-4));
  }

  /** {@code n} answers, the first {@code rows} of them {@code p}, the rest its reverse. */
  private static double[][] filled(int n, int rows, double[] p) {
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = i < rows ? p : new double[] {p[1], p[0]};
    }
    return out;
  }

  @Test
  void tiesCountHalf() {
    assertThat(Evaluation.auc(new int[] {0, 1}, new double[][] {{0.5, 0.5}, {0.5, 0.5}}, 1))
        .isEqualTo(0.5);
  }

  @Test
  void tableListsEveryModelAndConfusion() {
    Evaluation e =
        Evaluation.of(
            "model", List.of("ham", "spam"), new int[] {0, 1}, new double[][] {{1, 0}, {0, 1}});

    String table = Evaluation.table(List.of(e));

    assertThat(table)
        .contains("| model | 1.0000 | 1.0000 |")
        .contains("confusion of model")
        .contains("[[1, 0], [0, 1]]");
  }
}
