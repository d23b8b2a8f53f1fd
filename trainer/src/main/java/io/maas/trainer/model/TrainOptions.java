package io.maas.trainer.model;

import io.maas.model.features.Preprocessing;
import io.vertx.core.json.JsonObject;

/**
 * How a model is trained. Every field is a command-line option of {@code trainer train}.
 *
 * @param buckets            hash buckets of the bag of words
 * @param hidden             width of the hidden Dense(relu) layer
 * @param epochs             the most epochs; early stopping may end sooner
 * @param batchSize          examples per training step
 * @param learningRate       Adam's learning rate
 * @param maxChars           texts are cut to this many characters (in the graph, so serving does the same)
 * @param seed               seeds the split, the initial weights and the shuffling
 * @param testFraction       share of the deduplicated data held out for evaluation
 * @param validationFraction share of the training part used for early stopping
 * @param patience           epochs without a better validation loss before stopping
 * @param threads            TensorFlow intra- and inter-op threads while training (1 keeps runs reproducible)
 * @param ngrams             1: words only; 2: words and pairs of adjacent words, hashed into the same buckets
 */
public record TrainOptions(
    int buckets,
    int hidden,
    int epochs,
    int batchSize,
    float learningRate,
    int maxChars,
    long seed,
    double testFraction,
    double validationFraction,
    int patience,
    int threads,
    int ngrams) {

  public static TrainOptions defaults() {
    return new TrainOptions(1 << 18, 16, 20, 128, 0.002f, 20_000, 42L, 0.2, 0.1, 3, 1, 1);
  }

  /** The default {@code ngrams}, for callers that set the rest. */
  public TrainOptions(
      int buckets,
      int hidden,
      int epochs,
      int batchSize,
      float learningRate,
      int maxChars,
      long seed,
      double testFraction,
      double validationFraction,
      int patience,
      int threads) {
    this(
        buckets,
        hidden,
        epochs,
        batchSize,
        learningRate,
        maxChars,
        seed,
        testFraction,
        validationFraction,
        patience,
        threads,
        defaults().ngrams());
  }

  public TrainOptions {
    require(buckets >= 16 && buckets <= (1 << 24), "--buckets must be between 16 and 16777216");
    require(hidden >= 1 && hidden <= 4096, "--hidden must be between 1 and 4096");
    require(epochs >= 1 && epochs <= 1000, "--epochs must be between 1 and 1000");
    require(batchSize >= 1 && batchSize <= 65536, "--batch-size must be between 1 and 65536");
    require(learningRate > 0 && learningRate < 1, "--learning-rate must be between 0 and 1");
    require(maxChars >= 1, "--max-chars must be positive");
    require(testFraction > 0 && testFraction < 1, "--test-fraction must be between 0 and 1");
    require(
        validationFraction > 0 && validationFraction < 1,
        "--validation-fraction must be between 0 and 1");
    require(patience >= 1, "--patience must be positive");
    require(threads >= 1 && threads <= 256, "--threads must be between 1 and 256");
    require(ngrams == 1 || ngrams == 2, "--ngrams must be 1 or 2");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** What the graph does to a text before the weights see it. */
  public Preprocessing preprocessing() {
    return new Preprocessing(maxChars, buckets, ngrams);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("buckets", buckets)
        .put("hidden", hidden)
        .put("epochs", epochs)
        .put("batchSize", batchSize)
        .put("learningRate", (double) learningRate)
        .put("maxChars", maxChars)
        .put("seed", seed)
        .put("testFraction", testFraction)
        .put("validationFraction", validationFraction)
        .put("patience", patience)
        .put("threads", threads)
        .put("ngrams", ngrams);
  }
}
