package io.maas.inference.model;

import java.util.List;

/** A loaded version's model call; TensorFlow's in production ({@link TensorFlowLoader}), a fake in unit tests. */
public interface Predictor extends AutoCloseable {

  /** Class probabilities per text, in the version's class order. */
  float[][] predict(List<String> texts);

  /** Frees the version; called once, on the loader thread, after its last batch. */
  @Override
  void close();
}
