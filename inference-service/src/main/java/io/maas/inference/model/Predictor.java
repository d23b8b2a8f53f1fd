package io.maas.inference.model;

import io.maas.model.PreprocessingCheck;
import java.util.List;

/** A loaded version's model call; TensorFlow's in production ({@link TensorFlowLoader}), a fake in unit tests. */
public interface Predictor extends AutoCloseable {

  /** Class probabilities per text, in the version's class order. */
  float[][] predict(List<String> texts);

  /** Which path the texts take to the model, and why. */
  default PreprocessingCheck preprocessing() {
    return new PreprocessingCheck("graph", "not a TensorFlow model", 0, Double.NaN);
  }

  /** Frees the version; called once, on the loader thread, after its last batch. */
  @Override
  void close();
}
