package io.maas.trainer.data;

import io.maas.common.profile.TextDescriptors;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The words a version was trained on, for the share of unseen words in production texts: the
 * words of the training split as {@link TextDescriptors#words} splits them, seen at least
 * {@link #MIN_COUNT} times (a word seen once is mostly a name, a number or a typo, and would make
 * tomorrow's names look familiar), at most the {@link #MAX_WORDS} most frequent, so that a
 * huge corpus does not make a huge file for every instance to hold in memory.
 */
public final class TrainingVocabulary {

  public static final int MIN_COUNT = 2;
  public static final int MAX_WORDS = 100_000;

  private TrainingVocabulary() {}

  /** The words, sorted. */
  public static List<String> of(List<Example> training) {
    return of(training, MIN_COUNT, MAX_WORDS);
  }

  static List<String> of(List<Example> training, int minCount, int maxWords) {
    Map<String, Integer> counts = new HashMap<>();
    for (Example e : training) {
      TextDescriptors.words(e.text(), w -> counts.merge(w, 1, Integer::sum));
    }
    // most frequent first, ties by word, so the same data keeps the same words under the cap
    return counts.entrySet().stream()
        .filter(e -> e.getValue() >= minCount)
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(maxWords)
        .map(Map.Entry::getKey)
        .sorted(Comparator.naturalOrder())
        .toList();
  }
}
