package io.maas.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

  @Test
  void readsLabelFoldersOfTextFiles(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("ham"));
    Files.createDirectories(dir.resolve("spam"));
    Files.writeString(dir.resolve("ham/1.txt"), "see you at lunch");
    Files.writeString(dir.resolve("spam/1.txt"), "FREE money — Ünïcødé");
    Files.writeString(dir.resolve("spam/notes.md"), "ignored: not a .txt file");

    List<Example> examples = Datasets.read(dir);

    assertThat(examples).extracting(Example::id).containsExactly("ham/1.txt", "spam/1.txt");
    assertThat(examples).extracting(Example::label).containsExactly("ham", "spam");
    assertThat(examples.get(1).text()).isEqualTo("FREE money — Ünïcødé");
  }

  @Test
  void readsJsonlWithOptionalIds(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data.jsonl");
    Files.writeString(
        file,
        "{\"text\":\"hello\",\"label\":\"ham\"}\n\n{\"id\":\"x-1\",\"text\":\"win\",\"label\":\"spam\"}\n");

    List<Example> examples = Datasets.read(file);

    assertThat(examples).extracting(Example::id).containsExactly("data.jsonl:1", "x-1");
  }

  @Test
  void malformedJsonlNamesTheFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(
        file, "{\"text\":\"ok\",\"label\":\"ham\"}\n{\"text\":\"no closing brace\"\n");
    assertThatThrownBy(() -> Datasets.read(file))
        .isInstanceOf(DatasetException.class)
        .hasMessage("dataset " + file + " line 2: not a JSON object");

    Files.writeString(file, "{\"text\":\"ok\"}\n");
    assertThatThrownBy(() -> Datasets.read(file))
        .hasMessage("dataset " + file + " line 1: 'label' must be a non-empty string");

    Files.writeString(file, "{\"text\":7,\"label\":\"ham\"}\n");
    assertThatThrownBy(() -> Datasets.read(file))
        .hasMessage("dataset " + file + " line 1: 'text' must be a string");

    Files.writeString(file, "\n\n");
    assertThatThrownBy(() -> Datasets.read(file))
        .hasMessage("dataset " + file + " has no examples");
  }

  @Test
  void malformedDirectoriesAreRefusedWithTheirPath(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> Datasets.read(dir.resolve("absent")))
        .hasMessage("dataset " + dir.resolve("absent") + " does not exist");
    assertThatThrownBy(() -> Datasets.read(dir)).hasMessageContaining("has no <label>/ folders");

    Files.createDirectories(dir.resolve("ham"));
    assertThatThrownBy(() -> Datasets.read(dir))
        .hasMessage("dataset folder " + dir.resolve("ham") + " has no .txt files");

    Files.write(dir.resolve("ham/latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> Datasets.read(dir))
        .hasMessage("dataset file " + dir.resolve("ham/latin1.txt") + " is not valid UTF-8");
  }
}
