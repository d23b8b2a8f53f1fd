package io.maas.trainer.model;

import io.maas.model.features.Preprocessing;
import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * The trained weights as a forward-only SavedModel: a fresh graph with only the serving pass, its
 * variables restored by name from the training checkpoint, so no optimizer or gradient op reaches
 * production. Two signatures share the weights and the temperature: text in, and features in.
 */
final class ServingExport {

  private ServingExport() {}

  /**
   * Restores {@code checkpoint} into a fresh graph holding only the forward pass and saves it to
   * {@code exportDir}: {@code serving_default} (text in) and {@link Preprocessing#SIGNATURE}
   * (features in), both dividing the logits by {@code temperature} before the softmax.
   */
  static void export(
      TrainOptions options, int classes, Path checkpoint, Path exportDir, double temperature)
      throws IOException {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      ClassifierGraph.Weights w =
          ClassifierGraph.uninitialized(tf, options.buckets(), options.hidden(), classes);
      Placeholder<TString> text = ClassifierGraph.textInput(tf);
      Operand<TFloat32> temperatureConstant =
          tf.withName("temperature").constant((float) temperature);
      Signature serving =
          servingSignature(
              tf,
              Signature.builder().key(Signature.DEFAULT_KEY).input("text", text),
              ClassifierGraph.logits(tf, text, w, options),
              temperatureConstant,
              "");
      ClassifierGraph.FeatureInputs in = ClassifierGraph.featureInputs(tf);
      Signature features =
          servingSignature(
              tf,
              Signature.builder()
                  .key(Preprocessing.SIGNATURE)
                  .input(Preprocessing.BUCKET, in.bucket())
                  .input(Preprocessing.DOCUMENT, in.document())
                  .input(Preprocessing.TEXTS, in.texts()),
              ClassifierGraph.logits(tf, in.document(), in.bucket(), in.texts(), w),
              temperatureConstant,
              "features_");
      try (Session session = new Session(graph, ClassifierTrainer.config(1))) {
        session.restore(checkpoint.toString());
        SavedModelBundle.exporter(exportDir.toString())
            .withTags("serve")
            .withSession(session)
            .withSignatures(serving, features)
            .export();
      }
    }
  }

  /**
   * Probabilities (the logits divided by the temperature, softmax) and the label (argmax) as a
   * signature's outputs.
   */
  private static Signature servingSignature(
      Ops tf,
      Signature.Builder builder,
      Operand<TFloat32> logits,
      Operand<TFloat32> temperature,
      String prefix) {
    Operand<TFloat32> probabilities =
        tf.withName(prefix + "probabilities").nn.softmax(tf.math.div(logits, temperature));
    Operand<TInt64> label = tf.withName(prefix + "label").math.argMax(logits, tf.constant(1));
    return builder
        .methodName("tensorflow/serving/predict")
        .output("probabilities", probabilities)
        .output("label", label)
        .build();
  }
}
