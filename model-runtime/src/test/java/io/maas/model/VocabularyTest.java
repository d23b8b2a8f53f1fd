package io.maas.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

  @TempDir Path dir;

  @Test
  void writesSortedWordsOnePerLineAndReadsThemBack() throws Exception {
    Vocabulary.write(dir, List.of("win", "free", "über", "free"));

    assertThat(Files.readString(dir.resolve(Vocabulary.FILE), StandardCharsets.UTF_8))
        .isEqualTo("free\nwin\nüber\n");
    assertThat(Vocabulary.read(dir)).containsExactlyInAnyOrder("free", "win", "über");
  }

  @Test
  void aModelWithoutAVocabularyHasNone() {
    assertThat(Vocabulary.read(dir)).isNull();
  }
}
