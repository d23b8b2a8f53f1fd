package io.maas.trainer.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/** An exported model loaded the way production loads it, for evaluation and verification. */
public final class SavedModelClassifier implements AutoCloseable {

  private static final int BATCH = 256;

  private final SavedModelBundle bundle;
  private final SessionFunction serving;

  private SavedModelClassifier(SavedModelBundle bundle) {
    this.bundle = bundle;
    this.serving = bundle.function("serving_default");
  }

  public static SavedModelClassifier load(Path dir) {
    return new SavedModelClassifier(SavedModelBundle.loader(dir.toString()).withTags("serve")
        .withConfigProto(ClassifierTrainer.config(1)).load());
  }

  /** Class probabilities of each text, in the model's class order. */
  public double[][] predict(List<String> texts) {
    double[][] out = new double[texts.size()][];
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
      try (TString input = TString.vectorOf(batch.toArray(String[]::new));
           Result result = serving.call(Map.of("text", input))) {
        TFloat32 p = (TFloat32) result.get("probabilities").orElseThrow();
        int classes = (int) p.shape().get(1);
        for (int i = 0; i < batch.size(); i++) {
          double[] row = new double[classes];
          for (int c = 0; c < classes; c++) {
            row[c] = p.getFloat(i, c);
          }
          out[from + i] = row;
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
