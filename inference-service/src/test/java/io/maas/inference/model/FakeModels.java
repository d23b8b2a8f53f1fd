package io.maas.inference.model;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** Model versions without TensorFlow, for the unit tests of routing and the swap. */
public final class FakeModels {

  private FakeModels() {
  }

  /** A predictor that answers every text with the same probabilities, and says whether it was closed. */
  public static final class FakePredictor implements Predictor {
    private final float[] answer;
    public final AtomicBoolean closed = new AtomicBoolean();

    public FakePredictor(float... answer) {
      this.answer = answer;
    }

    @Override
    public float[][] predict(List<String> texts) {
      float[][] out = new float[texts.size()][];
      java.util.Arrays.fill(out, answer);
      return out;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  /** A served version of {@code model} with classes ham and spam, closing on the calling thread. */
  public static ServedModel served(String model, int version) {
    return new ServedModel(model, version, "0".repeat(64), List.of("ham", "spam"), Set.of(), new FakePredictor(0.9f, 0.1f),
        s -> { }, Runnable::run);
  }
}
