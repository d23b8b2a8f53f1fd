package io.maas.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingVocabularyTest {

  private static Example example(String id, String text) {
    return new Example(id, text, "ham", id);
  }

  @Test
  void keepsWordsSeenTwiceLowerCasedAndSorted() {
    List<Example> training =
        List.of(example("a", "Free money, FREE!"), example("b", "money talks; once"));

    assertThat(TrainingVocabulary.of(training)).containsExactly("free", "money");
  }

  @Test
  void theCapKeepsTheMostFrequentWords() {
    List<Example> training = List.of(example("a", "x x x y y y z z"), example("b", "b b a a"));

    assertThat(TrainingVocabulary.of(training, 2, 3))
        .as("ties broken by word")
        .containsExactly("a", "x", "y");
  }
}
