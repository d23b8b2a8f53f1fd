package io.maas.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NaiveBayesTest {

  @Test
  void separatesAToyCaseAndMatchesTheTextbookNumbers() {
    // Manning, Raghavan, Schütze: Introduction to Information Retrieval, example 13.1.
    List<List<String>> docs =
        List.of(
            List.of("chinese", "beijing", "chinese"),
            List.of("chinese", "chinese", "shanghai"),
            List.of("chinese", "macao"),
            List.of("tokyo", "japan", "chinese"));
    int[] labels = {1, 1, 1, 0};
    NaiveBayes nb = NaiveBayes.fit(docs, labels, 2, 1.0);

    double[] p = nb.predict(List.of("chinese", "chinese", "chinese", "tokyo", "japan"));

    // P(c|d) ∝ 3/4 · (3/7)^3 · (1/14)^2 ≈ 0.0003; P(j|d) ∝ 1/4 · (2/9)^3 · (2/9)^2 ≈ 0.0001
    double c = 0.75 * Math.pow(3.0 / 7, 3) * Math.pow(1.0 / 14, 2);
    double j = 0.25 * Math.pow(2.0 / 9, 3) * Math.pow(2.0 / 9, 2);
    assertThat(p[1]).isCloseTo(c / (c + j), within(1e-9));
    assertThat(nb.vocabularySize()).isEqualTo(6);
  }

  @Test
  void unseenWordsAreIgnored() {
    NaiveBayes nb =
        NaiveBayes.fit(
            List.of(List.of("free", "money"), List.of("meeting", "notes")),
            new int[] {1, 0},
            2,
            1.0);

    assertThat(nb.predict(List.of("free", "money", "zzz"))[1]).isGreaterThan(0.5);
    assertThat(nb.predict(List.of("zzz"))).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
  }
}
