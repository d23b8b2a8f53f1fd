package io.maas.trainer.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.strings.Join;
import org.tensorflow.op.strings.Lower;
import org.tensorflow.op.strings.StringSplit;
import org.tensorflow.op.strings.Substr;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * The classifier's forward pass, shared by the training graph and the serving graph so that
 * both compute the same thing: cut each text to {@code maxChars} characters, lower-case it
 * (UTF-8 aware), replace every run of characters that are not letters or digits of any
 * script with a space, split on whitespace (with {@code ngrams} 2, add each pair of adjacent
 * words), hash each word into a bucket, sum the rows of
 * the bucket embedding per document over its distinct buckets and divide by the square root of
 * their number (the bag of words times Dense(hidden), length-normalised), then relu and
 * Dense(classes). Documents without a word still get a row (the biases alone).
 */
final class ClassifierGraph {

  /** Variable names; the export graph restores them by name from the training checkpoint. */
  static final String EMBEDDING = "embedding";

  static final String HIDDEN_BIAS = "hidden_bias";
  static final String OUTPUT_WEIGHTS = "output_weights";
  static final String OUTPUT_BIAS = "output_bias";

  /** RE2 syntax, as TensorFlow's regex ops take it. */
  static final String NOT_WORD = "[^\\p{L}\\p{N}]+";

  private ClassifierGraph() {}

  /** The weights of the network. */
  record Weights(
      Operand<TFloat32> embedding,
      Operand<TFloat32> hiddenBias,
      Operand<TFloat32> outputWeights,
      Operand<TFloat32> outputBias) {

    List<Operand<TFloat32>> all() {
      return List.of(embedding, hiddenBias, outputWeights, outputBias);
    }
  }

  /** Variables without initial values, restored from a checkpoint (the serving graph). */
  static Weights uninitialized(Ops tf, int buckets, int hidden, int classes) {
    return new Weights(
        tf.withName(EMBEDDING).variable(Shape.of(buckets, hidden), TFloat32.class),
        tf.withName(HIDDEN_BIAS).variable(Shape.of(hidden), TFloat32.class),
        tf.withName(OUTPUT_WEIGHTS).variable(Shape.of(hidden, classes), TFloat32.class),
        tf.withName(OUTPUT_BIAS).variable(Shape.of(classes), TFloat32.class));
  }

  static Placeholder<TString> textInput(Ops tf) {
    return tf.withName("text").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
  }

  static Operand<TFloat32> logits(Ops tf, Operand<TString> text, Weights w, TrainOptions options) {
    int buckets = options.buckets();
    Operand<TString> capped =
        tf.strings.substr(
            text, tf.constant(0), tf.constant(options.maxChars()), Substr.unit("UTF8_CHAR"));
    Operand<TString> lower = tf.strings.lower(capped, Lower.encoding("utf-8"));
    Operand<TString> cleaned = tf.strings.staticRegexReplace(lower, NOT_WORD, " ");
    StringSplit words = tf.strings.stringSplit(cleaned, tf.constant(""));
    Operand<TString> terms = words.values();
    Operand<TInt64> documentOfWord = tf.gather(words.indices(), tf.constant(0), tf.constant(1));
    if (options.ngrams() == 2) {
      // Each word joined to the next one of the same document by a space, which no word contains,
      // so a pair never hashes as the same string as a word: "click now", "free cruise".
      Operand<TInt32> adjacent =
          tf.math.maximum(tf.math.sub(tf.size(terms), tf.constant(1)), tf.constant(0));
      Operand<TInt32> first = tf.range(tf.constant(0), adjacent, tf.constant(1));
      Operand<TInt32> second = tf.math.add(first, tf.constant(1));
      Operand<TInt64> documentOfFirst = tf.gather(documentOfWord, first, tf.constant(0));
      Operand<TInt64> same =
          tf.reshape(
              tf.where(
                  tf.math.equal(
                      documentOfFirst, tf.gather(documentOfWord, second, tf.constant(0)))),
              tf.constant(new int[] {-1}));
      Operand<TString> bigrams =
          tf.strings.join(
              List.of(
                  tf.gather(terms, tf.gather(first, same, tf.constant(0)), tf.constant(0)),
                  tf.gather(terms, tf.gather(second, same, tf.constant(0)), tf.constant(0))),
              Join.separator(" "));
      terms = tf.concat(List.of(terms, bigrams), tf.constant(0));
      documentOfWord =
          tf.concat(
              List.of(documentOfWord, tf.gather(documentOfFirst, same, tf.constant(0))),
              tf.constant(0));
    }
    Operand<TInt64> bucketIds = tf.strings.toHashBucketFast(terms, (long) buckets);
    // A set of words per document, not counts: (document, bucket) pairs made unique, so that a
    // word repeated a thousand times in a long message weighs as much as once.
    Operand<TInt64> buckets64 = tf.constant((long) buckets);
    Operand<TInt64> pairs =
        tf.unique(
                tf.math.add(tf.math.mul(documentOfWord, buckets64), bucketIds),
                tf.constant(new int[] {0}))
            .y();
    Operand<TInt64> document = tf.math.floorDiv(pairs, buckets64);
    Operand<TFloat32> rows =
        tf.gather(w.embedding(), tf.math.floorMod(pairs, buckets64), tf.constant(0));
    Operand<TFloat32> sum = tf.math.unsortedSegmentSum(rows, document, tf.size(text));
    // The sum over the n distinct words divided by sqrt(n): a short text's few words weigh as much
    // as they need to without a long message's hundreds of words making it sure of anything.
    Operand<TFloat32> count =
        tf.math.unsortedSegmentSum(
            tf.onesLike(tf.dtypes.cast(document, TFloat32.class)), document, tf.size(text));
    Operand<TFloat32> bag =
        tf.math.div(
            sum,
            tf.expandDims(tf.math.sqrt(tf.math.maximum(count, tf.constant(1f))), tf.constant(1)));
    Operand<TFloat32> hidden = tf.nn.relu(tf.nn.biasAdd(bag, w.hiddenBias()));
    return tf.nn.biasAdd(tf.linalg.matMul(hidden, w.outputWeights()), w.outputBias());
  }
}
