package io.maas.model;

import io.maas.common.profile.WordSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code maas-vocabulary.txt}, written by the trainer beside {@code saved_model.pb}: the words
 * of the training split (as {@code TextDescriptors.words} splits them, lower-cased), sorted,
 * one per line. The inference service reads it with the model to tell, per request, the share
 * of words the version never saw in training.
 */
public final class Vocabulary {

  public static final String FILE = "maas-vocabulary.txt";

  private Vocabulary() {}

  /**
   * The words, unmodifiable (a {@link WordSet}, which {@code TextDescriptors.of} reads fastest);
   * null when the archive carries no vocabulary (a version uploaded from elsewhere).
   */
  public static Set<String> read(Path savedModelDir) {
    Path file = savedModelDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return WordSet.of(lines.filter(w -> !w.isEmpty()).toList());
    } catch (IOException | UncheckedIOException e) {
      throw new ModelException(
          "invalid_vocabulary", FILE + " could not be read: " + e.getMessage(), e);
    }
  }

  /** Writes the words sorted, one per line. */
  public static void write(Path savedModelDir, Collection<String> words) throws IOException {
    List<String> sorted = words.stream().sorted().distinct().toList();
    try (Writer out =
        Files.newBufferedWriter(savedModelDir.resolve(FILE), StandardCharsets.UTF_8)) {
      for (String word : sorted) {
        out.write(word);
        out.write('\n');
      }
    }
  }
}
