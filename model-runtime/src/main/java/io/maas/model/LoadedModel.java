package io.maas.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * A SavedModel loaded with TensorFlow Java, answering {@link #predict(List)} through its
 * {@code serving_default} signature. Calls block: run them on worker threads. Not for use
 * after {@link #close()}.
 */
public final class LoadedModel implements AutoCloseable {

  private final SavedModelBundle bundle;
  private final SessionFunction serving;
  private final int classes;

  private LoadedModel(SavedModelBundle bundle, int classes) {
    this.bundle = bundle;
    this.serving = bundle.function(ModelSignature.KEY);
    this.classes = classes;
  }

  /**
   * @param intraOpThreads TensorFlow threads inside one op (1 gave the best throughput here)
   * @param interOpThreads TensorFlow threads across ops; negative runs them on the calling thread
   */
  public static LoadedModel load(Path savedModelDir, int intraOpThreads, int interOpThreads) {
    return load(savedModelDir, intraOpThreads, interOpThreads, false);
  }

  /**
   * @param gpu whether TensorFlow may place ops on a GPU (needs the build's {@code -Pgpu} native);
   *            false hides every GPU from this model
   */
  public static LoadedModel load(
      Path savedModelDir, int intraOpThreads, int interOpThreads, boolean gpu) {
    ModelSignature signature = ModelSignature.read(savedModelDir);
    ConfigProto.Builder builder =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(intraOpThreads)
            .setInterOpParallelismThreads(interOpThreads);
    if (!gpu) {
      builder.putDeviceCount("GPU", 0);
    }
    ConfigProto config = builder.build();
    try {
      SavedModelBundle bundle =
          SavedModelBundle.loader(savedModelDir.toString())
              .withTags(ModelSignature.TAG)
              .withConfigProto(config)
              .load();
      return new LoadedModel(bundle, signature.classes());
    } catch (RuntimeException e) {
      throw new ModelException(
          "load_failed", "TensorFlow could not load the SavedModel: " + e.getMessage(), e);
    }
  }

  /** Class probabilities per text, in the model's class order. */
  public float[][] predict(List<String> texts) {
    try (TString input = TString.vectorOf(texts.toArray(String[]::new));
        Result result = serving.call(Map.of("text", input))) {
      TFloat32 p =
          (TFloat32)
              result
                  .get("probabilities")
                  .orElseThrow(
                      () ->
                          new ModelException(
                              "invalid_signature", "the model returned no 'probabilities'"));
      long rows = p.shape().get(0);
      int columns = (int) p.shape().get(1);
      if (rows != texts.size()) {
        throw new ModelException(
            "invalid_output",
            "the model returned " + rows + " rows for " + texts.size() + " texts");
      }
      float[][] out = new float[texts.size()][columns];
      for (int i = 0; i < out.length; i++) {
        for (int c = 0; c < columns; c++) {
          out[i][c] = p.getFloat(i, c);
        }
      }
      return out;
    }
  }

  /** The class count of the signature, or -1 when the shape leaves it open. */
  public int classes() {
    return classes;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
