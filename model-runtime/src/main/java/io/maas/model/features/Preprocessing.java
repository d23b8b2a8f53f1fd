package io.maas.model.features;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a model's graph does to a text before its weights see it, as {@code maas-model.json}'s
 * {@code "preprocessing"} describes it, so that a runtime can do the same outside the graph and
 * feed the model's {@value #SIGNATURE} signature instead of {@code serving_default}:
 *
 * <ol>
 *   <li>cut to {@code maxChars} Unicode code points ({@code Substr}, unit {@code UTF8_CHAR});
 *   <li>lower-case, Unicode aware ({@code StringLower}, encoding {@code utf-8});
 *   <li>each run of characters that are not letters or digits of any script becomes one space
 *       ({@code StaticRegexReplace} of {@value #NOT_WORD});
 *   <li>split on whitespace ({@code StringSplitV2}): the words;
 *   <li>with {@code ngrams} 2, each pair of adjacent words too, joined by one space;
 *   <li>each term hashed into {@code buckets} buckets with FarmHash's Fingerprint64 of its UTF-8
 *       bytes, modulo the bucket count ({@code StringToHashBucketFast});
 *   <li>each bucket once per text, in the order of first appearance ({@code Unique}).
 * </ol>
 *
 * <p>{@link GraphPreprocessing} builds these steps as TensorFlow ops, {@link WordFeaturizer}
 * computes them in Java.
 */
public record Preprocessing(int maxChars, long buckets, int ngrams) {

  /** The name of these steps; a spec naming anything else is not this one. */
  public static final String KIND = "maas-words/1";

  /** RE2 syntax, as TensorFlow's regex ops take it. */
  public static final String NOT_WORD = "[^\\p{L}\\p{N}]+";

  public static final String HASH = "farmhash-fingerprint64";

  /** The signature that takes the features: {@link #BUCKET}, {@link #DOCUMENT}, {@link #TEXTS}. */
  public static final String SIGNATURE = "features";

  /** int64 [-1]: the bucket of each (text, term) pair. */
  public static final String BUCKET = "bucket";

  /** int64 [-1]: the index of the pair's text in the batch. */
  public static final String DOCUMENT = "document";

  /** int64 []: how many texts the batch holds (a text without a word has no pair). */
  public static final String TEXTS = "texts";

  static final List<String> STEPS =
      List.of(
          "cut to maxChars code points",
          "lower-case (Unicode)",
          "non-letters and non-digits to one space",
          "split on whitespace",
          "word pairs when ngrams is 2",
          "FarmHash Fingerprint64 of the UTF-8 bytes modulo buckets",
          "each bucket once per text");

  public Preprocessing {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be positive, got " + maxChars);
    }
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be positive, got " + buckets);
    }
    if (ngrams != 1 && ngrams != 2) {
      throw new IllegalArgumentException("ngrams must be 1 or 2, got " + ngrams);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("kind", KIND)
        .put("steps", new JsonArray(STEPS))
        .put("maxChars", maxChars)
        .put("notWord", NOT_WORD)
        .put("ngrams", ngrams)
        .put("hash", HASH)
        .put("buckets", buckets)
        .put("signature", SIGNATURE);
  }

  /**
   * The spec in a model's metadata.
   *
   * @throws IllegalArgumentException with the reason, when the metadata has none or one that is
   *     not this kind (another kind, pattern or hash): such a model keeps its graph path
   */
  public static Preprocessing of(JsonObject metadata) {
    if (!(metadata.getValue("preprocessing") instanceof JsonObject spec)) {
      throw new IllegalArgumentException("the metadata describes no preprocessing");
    }
    if (!KIND.equals(spec.getValue("kind"))) {
      throw new IllegalArgumentException(
          "preprocessing kind " + spec.getValue("kind") + " is not " + KIND);
    }
    if (!NOT_WORD.equals(spec.getValue("notWord")) || !HASH.equals(spec.getValue("hash"))) {
      throw new IllegalArgumentException(
          "preprocessing pattern or hash differs from " + NOT_WORD + " and " + HASH);
    }
    if (!SIGNATURE.equals(spec.getValue("signature"))) {
      throw new IllegalArgumentException(
          "preprocessing names signature " + spec.getValue("signature") + ", not " + SIGNATURE);
    }
    try {
      return new Preprocessing(
          spec.getInteger("maxChars"), spec.getLong("buckets"), spec.getInteger("ngrams"));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException(
          "preprocessing needs whole numbers maxChars, buckets and ngrams", e);
    }
  }
}
