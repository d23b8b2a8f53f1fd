package io.maas.trainer.model;

import io.maas.model.features.GraphPreprocessing;
import io.maas.model.features.Preprocessing;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TNumber;

/**
 * The classifier's forward pass, shared by the training graph and the serving graph so that
 * both compute the same thing: the text's distinct word buckets ({@link Preprocessing}, as
 * {@link GraphPreprocessing} builds it), then the sum of the rows of the bucket embedding per
 * document divided by the square root of their number (the bag of words times Dense(hidden),
 * length-normalised), relu and Dense(classes). Documents without a word still get a row (the
 * biases alone). The serving graph also takes the features directly ({@link
 * Preprocessing#SIGNATURE}), for runtimes that compute them outside the graph.
 */
final class ClassifierGraph {

  /** Variable names; the export graph restores them by name from the training checkpoint. */
  static final String EMBEDDING = "embedding";

  static final String HIDDEN_BIAS = "hidden_bias";
  static final String OUTPUT_WEIGHTS = "output_weights";
  static final String OUTPUT_BIAS = "output_bias";

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

  /** The inputs of the features signature. */
  record FeatureInputs(
      Placeholder<TInt64> bucket, Placeholder<TInt64> document, Placeholder<TInt64> texts) {}

  static FeatureInputs featureInputs(Ops tf) {
    return new FeatureInputs(
        tf.withName(Preprocessing.BUCKET)
            .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1))),
        tf.withName(Preprocessing.DOCUMENT)
            .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1))),
        tf.withName(Preprocessing.TEXTS).placeholder(TInt64.class, Placeholder.shape(Shape.of())));
  }

  static Operand<TFloat32> logits(Ops tf, Operand<TString> text, Weights w, TrainOptions options) {
    GraphPreprocessing.Pairs pairs = GraphPreprocessing.pairs(tf, text, options.preprocessing());
    return logits(tf, pairs.document(), pairs.bucket(), tf.size(text), w);
  }

  /**
   * The network on the features: {@code bucket[i]} is one of the distinct buckets of text
   * {@code document[i]}, and the batch holds {@code texts} texts.
   */
  static Operand<TFloat32> logits(
      Ops tf,
      Operand<TInt64> document,
      Operand<TInt64> bucket,
      Operand<? extends TNumber> texts,
      Weights w) {
    Operand<TFloat32> rows = tf.gather(w.embedding(), bucket, tf.constant(0));
    Operand<TFloat32> sum = tf.math.unsortedSegmentSum(rows, document, texts);
    // The sum over the n distinct words divided by sqrt(n): a short text's few words weigh as much
    // as they need to without a long message's hundreds of words making it sure of anything.
    Operand<TFloat32> count =
        tf.math.unsortedSegmentSum(
            tf.onesLike(tf.dtypes.cast(document, TFloat32.class)), document, texts);
    Operand<TFloat32> bag =
        tf.math.div(
            sum,
            tf.expandDims(tf.math.sqrt(tf.math.maximum(count, tf.constant(1f))), tf.constant(1)));
    Operand<TFloat32> hidden = tf.nn.relu(tf.nn.biasAdd(bag, w.hiddenBias()));
    return tf.nn.biasAdd(tf.linalg.matMul(hidden, w.outputWeights()), w.outputBias());
  }
}
