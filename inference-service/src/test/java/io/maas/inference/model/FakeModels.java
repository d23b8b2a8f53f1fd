package io.maas.inference.model;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** Model versions without TensorFlow, for the unit tests of routing and the swap. */
public final class FakeModels {

  private FakeModels() {}

  /** A predictor that answers every text with the same probabilities, and says whether it was closed. */
  public static class FakePredictor implements Predictor {
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
    return served(model, version, new FakePredictor(0.9f, 0.1f));
  }

  /** A served version of {@code model} with classes ham and spam that answers with {@code predictor}. */
  public static ServedModel served(String model, int version, Predictor predictor) {
    return new ServedModel(
        model,
        version,
        "0".repeat(64),
        List.of("ham", "spam"),
        Set.of(),
        predictor,
        s -> {},
        Runnable::run);
  }

  /** Retires a version as a swap does: it takes no new batch, and closes once idle. */
  public static void retire(ServedModel served) {
    served.retire();
  }
}
