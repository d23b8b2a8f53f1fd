package io.maas.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitTest {

  private static List<Example> examples(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                new Example(
                    "m-" + i,
                    "text " + i,
                    i % 3 == 0 ? "spam" : "ham",
                    Checksums.sha256("text " + i)))
        .toList();
  }

  @Test
  void sameSeedSameSplitAndRoughlyTheAskedFraction() {
    Split a = Split.of(examples(2000), 42, 0.2);
    Split b = Split.of(examples(2000), 42, 0.2);
    Split c = Split.of(examples(2000), 43, 0.2);

    assertThat(a.test()).isEqualTo(b.test());
    assertThat(a.test()).isNotEqualTo(c.test());
    assertThat(a.test().size()).isBetween(340, 460);
    assertThat(a.classes()).containsExactly("ham", "spam");
  }

  @Test
  void anExampleKeepsItsSideWhenTheDatasetGrows() {
    Split small = Split.of(examples(500), 42, 0.2);
    Split large = Split.of(examples(2000), 42, 0.2);

    assertThat(large.test()).containsAll(small.test());
  }

  @Test
  void duplicatesByContentAreDropped() {
    List<Example> data = new ArrayList<>(examples(100));
    data.add(new Example("copy-of-m-5", "text 5", "ham", Checksums.sha256("text 5")));

    Split split = Split.of(data, 42, 0.2);

    assertThat(split.duplicates()).isEqualTo(1);
    assertThat(split.train().size() + split.test().size()).isEqualTo(100);
  }

  @Test
  void oneClassOrRepeatedIdsAreRefused() {
    assertThatThrownBy(
            () ->
                Split.of(
                    List.of(new Example("a", "x", "ham", "1"), new Example("b", "y", "ham", "2")),
                    1,
                    0.2))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("at least two classes");
    assertThatThrownBy(
            () ->
                Split.of(
                    List.of(new Example("a", "x", "ham", "1"), new Example("a", "y", "spam", "2")),
                    1,
                    0.2))
        .hasMessageContaining("two examples with the id 'a'");
  }
}
