package io.maas.inference.model;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Role;
import io.maas.inference.config.InferenceConfig;
import io.maas.model.LoadedModel;
import io.maas.model.ModelCheck;
import io.maas.model.ModelMetadata;
import io.maas.model.PreprocessingCheck;
import io.maas.model.Vocabulary;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a version with TensorFlow: the artifact from the {@link ArtifactCache} (sha256 checked,
 * cached under {@code $MAAS_HOME/inference}), the SavedModel, a warm-up call. Paced to stay within
 * {@code MAAS_INFERENCE_LOAD_CPU_PERCENT} of a core ({@link CpuPacer}): it pauses between steps
 * (and every {@value ArtifactCache#PACING_CHUNK} bytes of the artifact); the TensorFlow load and the
 * warm-up call are single calls, and the pause after each is what keeps their average within the
 * share. Runs on the manager's loader thread only.
 */
final class TensorFlowLoader implements VersionLoader {

  private static final Logger LOG = LoggerFactory.getLogger(TensorFlowLoader.class);

  private final InferenceConfig config;
  private final ArtifactCache artifacts;

  TensorFlowLoader(InferenceConfig config) {
    this.config = config;
    this.artifacts = new ArtifactCache(config.directory());
  }

  @Override
  public Loaded load(String model, Role role, ModelDeployment.Slot slot) throws IOException {
    long started = System.nanoTime();
    CpuPacer pacer = new CpuPacer(config.loadCpuPercent() / 100.0);
    Path dir = artifacts.unpacked(slot, pacer);
    List<String> classes = ModelCheck.classes(dir, List.of());
    Set<String> vocabulary = Vocabulary.read(dir);
    pacer.pace();
    long tensorflow = System.nanoTime();
    PreprocessingCheck preprocessing;
    LoadedModel loaded =
        LoadedModel.load(
            dir, config.intraOpThreads(), config.interOpThreads(), "gpu".equals(config.device()));
    try {
      long loadMillis = (System.nanoTime() - tensorflow) / 1_000_000;
      pacer.pace();
      JsonObject metadata = ModelMetadata.read(dir);
      long warmup = ModelCheck.warmUp(loaded, metadata, classes);
      pacer.pace();
      preprocessing =
          "graph".equals(config.preprocessing())
              ? new PreprocessingCheck("graph", "MAAS_INFERENCE_PREPROCESSING=graph", 0, Double.NaN)
              : PreprocessingCheck.run(loaded, ModelMetadata.warmupTexts(metadata));
      loaded.preprocessInJava(preprocessing.java());
      pacer.pace();
      LOG.info(
          "Model {} v{} loaded for {} in {} ms (TensorFlow load {} ms, warm-up {} ms, paused {} ms to hold {}% of a core); preprocessing: {}",
          model,
          slot.version(),
          role.code(),
          (System.nanoTime() - started) / 1_000_000,
          loadMillis,
          warmup,
          pacer.sleptMillis(),
          config.loadCpuPercent(),
          preprocessing.toJson().encode());
    } catch (IOException | RuntimeException e) {
      loaded.close();
      throw e;
    }
    return new Loaded(classes, vocabulary, new TensorFlow(loaded, preprocessing));
  }

  private record TensorFlow(LoadedModel model, PreprocessingCheck preprocessing)
      implements Predictor {
    @Override
    public float[][] predict(List<String> texts) {
      return model.predict(texts);
    }

    @Override
    public void close() {
      model.close();
    }
  }
}
