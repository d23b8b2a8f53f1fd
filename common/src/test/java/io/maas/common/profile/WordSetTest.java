package io.maas.common.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordSetTest {

  private static final String ALPHABET = "abcdeFGHIJ xyz 0123 .,!$-\t\näöüÄÖÜßΣσςİıé😀";

  @Test
  void isTheSetOfItsWords() {
    WordSet words = WordSet.of(List.of("free", "money", "free", "straße"));

    assertThat(words).hasSize(3).containsExactlyInAnyOrder("free", "money", "straße");
    assertThat(words.contains("FREE")).as("the words are taken as given").isFalse();
    assertThat(WordSet.of(words)).isSameAs(words);
    assertThat(WordSet.of(List.of())).isEmpty();
  }

  @Test
  void descriptorsAgainstAWordSetEqualThoseAgainstAPlainSet() {
    Random random = new Random(7);
    List<String> texts =
        new ArrayList<>(
            List.of(
                "",
                " ",
                "FREE free Free fReE",
                "Straße STRASSE ΣΊΣΥΦΟΣ σίσυφος",
                "İstanbul ISTANBUL istanbul",
                "x😀y 42 4two",
                "a\u0000b\tc",
                "End with a word"));
    for (int i = 0; i < 500; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(60);
      for (int j = 0; j < length; j++) {
        text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      texts.add(text.toString());
    }
    Set<String> vocabulary = new HashSet<>();
    for (int i = 0; i < texts.size(); i += 2) {
      TextDescriptors.words(texts.get(i), vocabulary::add);
    }
    WordSet wordSet = WordSet.of(vocabulary);

    for (String text : texts) {
      assertThat(TextDescriptors.of(text, wordSet))
          .as(text)
          .isEqualTo(TextDescriptors.of(text, Set.copyOf(vocabulary)));
    }
    assertThat(TextDescriptors.of("FREE money", WordSet.of(List.of("free"))).unseenWords())
        .isEqualTo(0.5);
  }
}
