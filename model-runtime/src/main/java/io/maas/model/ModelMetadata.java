package io.maas.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code maas-model.json}, written by the trainer beside {@code saved_model.pb}: class names,
 * options, metrics and warm-up texts (with the probabilities the trainer computed).
 */
public final class ModelMetadata {

  public static final String FILE = "maas-model.json";

  /** Run when a model carries no warm-up texts of its own. */
  public static final List<String> SMOKE_TEXTS =
      List.of("", "hello, this is a smoke test of a new model version");

  private ModelMetadata() {}

  /** The file's content, or an empty object when the archive has none. */
  public static JsonObject read(Path savedModelDir) {
    Path file = savedModelDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | DecodeException e) {
      throw new ModelException(
          "invalid_metadata", FILE + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  /** Class names, in output order; empty when not given. */
  public static List<String> classes(JsonObject metadata) {
    Object value = metadata.getValue("classes");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)
        || array.isEmpty()
        || !array.stream().allMatch(c -> c instanceof String)) {
      throw new ModelException(
          "invalid_metadata", "'classes' must be a non-empty array of class names");
    }
    List<String> classes = new ArrayList<>();
    array.forEach(c -> classes.add((String) c));
    return List.copyOf(classes);
  }

  /** Warm-up texts; {@link #SMOKE_TEXTS} when the metadata has none. */
  public static List<String> warmupTexts(JsonObject metadata) {
    JsonArray warmup = metadata.getJsonArray("warmup");
    if (warmup == null || warmup.isEmpty()) {
      return SMOKE_TEXTS;
    }
    List<String> texts = new ArrayList<>();
    for (Object item : warmup) {
      if (item instanceof JsonObject o && o.getValue("text") instanceof String t) {
        texts.add(t);
      } else if (item instanceof String t) {
        texts.add(t);
      } else {
        throw new ModelException(
            "invalid_metadata", "'warmup' items must be texts or {\"text\":...} objects");
      }
    }
    return texts;
  }
}
