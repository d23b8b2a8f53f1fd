package io.maas.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenizerTest {

  @Test
  void lowerCasesAndKeepsLettersAndDigitsOfEveryScript() {
    assertThat(Tokenizer.tokens("FREE $$$ Money!!! Ünïcødé ÄÖÜ Привет, мир 你好 42", 1000))
        .containsExactly("free", "money", "ünïcødé", "äöü", "привет", "мир", "你好", "42");
  }

  @Test
  void emptyAndPunctuationOnlyTextsHaveNoTokens() {
    assertThat(Tokenizer.tokens("", 10)).isEmpty();
    assertThat(Tokenizer.tokens("  ...  !!! ", 10)).isEmpty();
  }

  @Test
  void capCountsCharactersNotBytes() {
    assertThat(Tokenizer.tokens("äöü xyz", 3)).containsExactly("äöü");
  }
}
