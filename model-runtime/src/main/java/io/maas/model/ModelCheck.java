package io.maas.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * What a model must pass before it serves: a contract signature, a TensorFlow load, and its
 * warm-up texts answered with one probability row each, as many columns as it has classes,
 * each row summing to 1, and (when the trainer recorded them) the recorded probabilities.
 * Then it compares the Java path with the graph ({@link PreprocessingCheck}): a version that
 * fails that comparison is still accepted, served through its graph.
 * Reason codes beyond those of {@link ModelSignature}: {@code load_failed},
 * {@code warmup_failed}, {@code class_mismatch}, {@code missing_classes}.
 */
public final class ModelCheck {

  /** How far a warm-up probability may drift from the trainer's (CPU builds differ slightly). */
  static final double TOLERANCE = 1e-4;

  /**
   * The outcome.
   *
   * @param classes      class names, in output order
   * @param signature    the signature, as JSON for people
   * @param metadata     maas-model.json (empty when absent)
   * @param warmupMillis how long the warm-up texts took
   * @param preprocessing whether the version may be served through its Java path
   */
  public record Checked(
      List<String> classes,
      JsonObject signature,
      JsonObject metadata,
      long warmupMillis,
      PreprocessingCheck preprocessing) {}

  private ModelCheck() {}

  /**
   * @param classesOverride class names given with the upload, or empty to take them from the metadata
   */
  public static Checked check(Path savedModelDir, List<String> classesOverride) {
    JsonObject metadata = ModelMetadata.read(savedModelDir);
    ModelSignature signature = ModelSignature.read(savedModelDir);
    List<String> classes = classes(savedModelDir, classesOverride);
    try (LoadedModel model = LoadedModel.load(savedModelDir, 1, 1, false)) {
      long millis = warmUp(model, metadata, classes);
      PreprocessingCheck preprocessing =
          PreprocessingCheck.run(model, ModelMetadata.warmupTexts(metadata));
      return new Checked(classes, signature.toJson(), metadata, millis, preprocessing);
    }
  }

  /** The class names (from the override or the metadata), checked against the signature. */
  public static List<String> classes(Path savedModelDir, List<String> classesOverride) {
    ModelSignature signature = ModelSignature.read(savedModelDir);
    List<String> classes =
        classesOverride.isEmpty()
            ? ModelMetadata.classes(ModelMetadata.read(savedModelDir))
            : classesOverride;
    if (classes.isEmpty()) {
      throw new ModelException(
          "missing_classes",
          "the class names are missing: put \"classes\" in maas-model.json or the upload's metadata");
    }
    if (signature.classes() > 0 && signature.classes() != classes.size()) {
      throw new ModelException(
          "class_mismatch",
          "the signature returns "
              + signature.classes()
              + " probabilities per text but the metadata names "
              + classes.size()
              + " classes "
              + classes);
    }
    return classes;
  }

  /** Runs the warm-up texts through a loaded model and checks the answers; how long it took. */
  public static long warmUp(LoadedModel model, JsonObject metadata, List<String> classes) {
    List<String> texts = ModelMetadata.warmupTexts(metadata);
    long started = System.nanoTime();
    float[][] probabilities;
    try {
      probabilities = model.predict(texts);
    } catch (ModelException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelException(
          "warmup_failed", "the model failed on its warm-up texts: " + e.getMessage(), e);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    for (int i = 0; i < probabilities.length; i++) {
      float[] row = probabilities[i];
      if (row.length != classes.size()) {
        throw new ModelException(
            "class_mismatch",
            "the model returns "
                + row.length
                + " probabilities per text but the metadata names "
                + classes.size()
                + " classes "
                + classes);
      }
      double sum = 0;
      for (float v : row) {
        if (Float.isNaN(v) || v < 0 || v > 1) {
          throw new ModelException(
              "warmup_failed", "warm-up text " + i + " got a probability of " + v);
        }
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-3) {
        throw new ModelException(
            "warmup_failed", "warm-up text " + i + " got probabilities summing to " + sum);
      }
      expect(metadata, i, row);
    }
    return millis;
  }

  private static void expect(JsonObject metadata, int index, float[] row) {
    JsonArray warmup = metadata.getJsonArray("warmup");
    if (warmup == null
        || index >= warmup.size()
        || !(warmup.getValue(index) instanceof JsonObject item)) {
      return;
    }
    JsonArray expected = item.getJsonArray("probabilities");
    if (expected == null) {
      return;
    }
    for (int c = 0; c < Math.min(expected.size(), row.length); c++) {
      if (Math.abs(expected.getDouble(c) - row[c]) > TOLERANCE) {
        throw new ModelException(
            "warmup_failed",
            "warm-up text "
                + index
                + " scored "
                + row[c]
                + " for class "
                + c
                + " where the trainer recorded "
                + expected.getDouble(c));
      }
    }
  }
}
