package io.maas.trainer.data;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the datasets users bring: a directory of {@code <label>/*.txt} files, or a JSONL file
 * of {@code {"text":...,"label":...}} lines (an {@code id} field is optional). Every error
 * names the file, and the line for JSONL.
 */
public final class Datasets {

  private Datasets() {}

  /** A directory of label folders, a JSONL file, or a directory holding one {@code .jsonl} file. */
  public static List<Example> read(Path path) {
    if (Files.isRegularFile(path)) {
      return readJsonl(path);
    }
    if (!Files.isDirectory(path)) {
      throw new DatasetException("dataset " + path + " does not exist");
    }
    return readDirectory(path);
  }

  public static List<Example> readJsonl(Path file) {
    List<Example> examples = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        examples.add(jsonlExample(file, number, line));
      }
    } catch (CharacterCodingException e) {
      throw new DatasetException("dataset " + file + " is not valid UTF-8");
    } catch (IOException e) {
      throw new DatasetException("dataset " + file + " cannot be read: " + e.getMessage(), e);
    }
    if (examples.isEmpty()) {
      throw new DatasetException("dataset " + file + " has no examples");
    }
    return examples;
  }

  private static Example jsonlExample(Path file, int number, String line) {
    String where = "dataset " + file + " line " + number + ": ";
    JsonObject json;
    try {
      json = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      throw new DatasetException(where + "not a JSON object");
    }
    Object text = json.getValue("text");
    Object label = json.getValue("label");
    if (!(text instanceof String t)) {
      throw new DatasetException(where + "'text' must be a string");
    }
    if (!(label instanceof String l) || l.isBlank()) {
      throw new DatasetException(where + "'label' must be a non-empty string");
    }
    Object id = json.getValue("id");
    String key = id == null ? file.getFileName() + ":" + number : String.valueOf(id);
    return new Example(key, t, l.strip(), Checksums.sha256(t));
  }

  private static List<Example> readDirectory(Path dir) {
    List<Example> examples = new ArrayList<>();
    List<Path> labels;
    try (Stream<Path> children = Files.list(dir)) {
      labels = children.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new DatasetException("dataset " + dir + " cannot be listed: " + e.getMessage(), e);
    }
    if (labels.isEmpty()) {
      throw new DatasetException(
          "dataset "
              + dir
              + " has no <label>/ folders; expected <label>/*.txt files or a .jsonl file");
    }
    for (Path labelDir : labels) {
      String label = labelDir.getFileName().toString();
      List<Path> files;
      try (Stream<Path> children = Files.list(labelDir)) {
        files = children.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
      } catch (IOException e) {
        throw new DatasetException(
            "dataset folder " + labelDir + " cannot be listed: " + e.getMessage(), e);
      }
      if (files.isEmpty()) {
        throw new DatasetException("dataset folder " + labelDir + " has no .txt files");
      }
      for (Path file : files) {
        String text;
        try {
          text =
              StandardCharsets.UTF_8
                  .newDecoder()
                  .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                  .toString();
        } catch (CharacterCodingException e) {
          throw new DatasetException("dataset file " + file + " is not valid UTF-8");
        } catch (IOException e) {
          throw new DatasetException(
              "dataset file " + file + " cannot be read: " + e.getMessage(), e);
        }
        examples.add(
            new Example(label + "/" + file.getFileName(), text, label, Checksums.sha256(text)));
      }
    }
    return examples;
  }
}
