package io.maas.model;

import io.maas.model.features.Preprocessing;
import io.maas.model.features.WordFeaturizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * A SavedModel loaded with TensorFlow Java, answering {@link #predict(List)} through its
 * {@code serving_default} signature (the graph path), or, once {@link #preprocessInJava} is set,
 * through its {@value Preprocessing#SIGNATURE} signature fed by a {@link WordFeaturizer} (the Java
 * path, for models whose metadata describes their {@link Preprocessing}). Calls block: run them on
 * worker threads. Not for use after {@link #close()}.
 */
public final class LoadedModel implements AutoCloseable {

  private final SavedModelBundle bundle;
  private final SessionFunction serving;
  private final SessionFunction features;
  private final WordFeaturizer featurizer;
  private final String graphOnly;
  private final int classes;
  private volatile boolean java;

  private LoadedModel(SavedModelBundle bundle, int classes, Path savedModelDir) {
    this.bundle = bundle;
    this.serving = bundle.function(ModelSignature.KEY);
    this.classes = classes;
    SessionFunction function = null;
    WordFeaturizer words = null;
    String reason = null;
    try {
      words = new WordFeaturizer(Preprocessing.of(ModelMetadata.read(savedModelDir)));
      function = bundle.function(Preprocessing.SIGNATURE);
    } catch (IllegalArgumentException | ModelException e) {
      reason = e.getMessage();
    }
    this.features = reason == null ? function : null;
    this.featurizer = reason == null ? words : null;
    this.graphOnly = reason;
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
      return new LoadedModel(bundle, signature.classes(), savedModelDir);
    } catch (RuntimeException e) {
      throw new ModelException(
          "load_failed", "TensorFlow could not load the SavedModel: " + e.getMessage(), e);
    }
  }

  /** Class probabilities per text, in the model's class order, by the chosen path. */
  public float[][] predict(List<String> texts) {
    return java ? predictFromFeatures(texts) : predictFromText(texts);
  }

  /** Class probabilities through {@code serving_default}: the preprocessing in the graph. */
  public float[][] predictFromText(List<String> texts) {
    try (TString input = TString.vectorOf(texts.toArray(String[]::new));
        Result result = serving.call(Map.of("text", input))) {
      return probabilities(result, texts.size());
    }
  }

  /** Class probabilities through the features signature, the preprocessing done in Java. */
  public float[][] predictFromFeatures(List<String> texts) {
    if (featurizer == null) {
      throw new IllegalStateException("this model has no Java path: " + graphOnly);
    }
    WordFeaturizer.Features f = featurizer.featurize(texts);
    Shape pairs = Shape.of(f.pairs());
    try (TInt64 bucket =
            TInt64.tensorOf(pairs, DataBuffers.of(f.bucket(), true, false).narrow(f.pairs()));
        TInt64 document =
            TInt64.tensorOf(pairs, DataBuffers.of(f.document(), true, false).narrow(f.pairs()));
        TInt64 count = TInt64.scalarOf(f.texts());
        Result result =
            features.call(
                Map.<String, Tensor>of(
                    Preprocessing.BUCKET,
                    bucket,
                    Preprocessing.DOCUMENT,
                    document,
                    Preprocessing.TEXTS,
                    count))) {
      return probabilities(result, texts.size());
    }
  }

  /**
   * Why this model can only be served through its graph (no preprocessing spec this runtime
   * implements, or no features signature); null when it has a Java path.
   */
  public String graphOnly() {
    return graphOnly;
  }

  /** Serve through the Java path (only where {@link #graphOnly()} is null) or the graph. */
  public void preprocessInJava(boolean java) {
    if (java && featurizer == null) {
      throw new IllegalStateException("this model has no Java path: " + graphOnly);
    }
    this.java = java;
  }

  /** {@code java} or {@code graph}: the path {@link #predict(List)} takes. */
  public String preprocessing() {
    return java ? "java" : "graph";
  }

  private static float[][] probabilities(Result result, int texts) {
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
    if (rows != texts) {
      throw new ModelException(
          "invalid_output", "the model returned " + rows + " rows for " + texts + " texts");
    }
    float[][] out = new float[texts][columns];
    for (int i = 0; i < out.length; i++) {
      for (int c = 0; c < columns; c++) {
        out[i][c] = p.getFloat(i, c);
      }
    }
    return out;
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
