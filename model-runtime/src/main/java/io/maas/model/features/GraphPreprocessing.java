package io.maas.model.features;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.strings.Join;
import org.tensorflow.op.strings.Lower;
import org.tensorflow.op.strings.StringSplit;
import org.tensorflow.op.strings.Substr;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** {@link Preprocessing}'s steps as TensorFlow ops, which the trainer puts in every model's graph. */
public final class GraphPreprocessing {

  /** Each text's distinct buckets: {@code document[i]} is the text of {@code bucket[i]}. */
  public record Pairs(Operand<TInt64> document, Operand<TInt64> bucket) {}

  private GraphPreprocessing() {}

  public static Pairs pairs(Ops tf, Operand<TString> text, Preprocessing spec) {
    Operand<TString> capped =
        tf.strings.substr(
            text, tf.constant(0), tf.constant(spec.maxChars()), Substr.unit("UTF8_CHAR"));
    Operand<TString> lower = tf.strings.lower(capped, Lower.encoding("utf-8"));
    Operand<TString> cleaned = tf.strings.staticRegexReplace(lower, Preprocessing.NOT_WORD, " ");
    StringSplit words = tf.strings.stringSplit(cleaned, tf.constant(""));
    Operand<TString> terms = words.values();
    Operand<TInt64> documentOfWord = tf.gather(words.indices(), tf.constant(0), tf.constant(1));
    if (spec.ngrams() == 2) {
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
    Operand<TInt64> bucketIds = tf.strings.toHashBucketFast(terms, spec.buckets());
    // A set of words per document, not counts: (document, bucket) pairs made unique, so that a
    // word repeated a thousand times in a long message weighs as much as once.
    Operand<TInt64> buckets64 = tf.constant(spec.buckets());
    Operand<TInt64> pairs =
        tf.unique(
                tf.math.add(tf.math.mul(documentOfWord, buckets64), bucketIds),
                tf.constant(new int[] {0}))
            .y();
    return new Pairs(tf.math.floorDiv(pairs, buckets64), tf.math.floorMod(pairs, buckets64));
  }
}
