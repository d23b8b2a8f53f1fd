package io.maas.bench.jmh;

import io.maas.model.LoadedModel;
import io.maas.model.ModelArchive;
import io.maas.model.features.Preprocessing;
import io.maas.model.features.WordFeaturizer;
import io.maas.trainer.data.Example;
import io.maas.trainer.data.SpamAssassinCorpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The text featurizer and the two ways to predict from text, in texts per second, on batches of
 * {@value #BATCH} SpamAssassin mails (the corpus shuffled with seed 42, as {@code bench limit}
 * does, and cycled through batch by batch):
 *
 * <ul>
 *   <li>{@code featurize}: {@link WordFeaturizer#featurize} alone, with the spec the trained
 *       models use (20,000 characters, 2^18 buckets, single words): the Java preprocessing;
 *   <li>{@code javaPath}: {@link LoadedModel#predictFromFeatures}: that featurizer, then the
 *       model's {@code features} signature;
 *   <li>{@code graphPath}: {@link LoadedModel#predictFromText}: {@code serving_default}, the same
 *       preprocessing done by TensorFlow's string ops inside the graph.
 * </ul>
 *
 * <p>The model (TensorFlow on the calling thread: 1 intra-op thread, inter-op on the caller, no
 * GPU) is loaded once per fork. Paths: {@code -p corpus=DIR} or {@code -Dmaas.corpus} (default
 * {@code .maas/datasets/spam-assassin-0.2.3} from the working directory), {@code -p
 * model=ARCHIVE.tar.gz} or {@code -Dmaas.model} (needed by the two model benchmarks); a system
 * property must reach the forked JVM ({@code -jvmArgsAppend -Dmaas.model=...}). Run after {@code
 * mvn -pl bench package}, from the repository root:
 *
 * <pre>
 * java -Xmx1g -cp 'bench/target/bench.jar:bench/target/lib/*' org.openjdk.jmh.Main \
 *     FeaturizerBenchmark -p model=MODEL.tar.gz -f 1 -wi 5 -w 2s -i 5 -r 2s -jvmArgs -Xmx1g
 * </pre>
 *
 * <p>Each invocation handles one batch, counted as {@value #BATCH} operations: JMH's ops/s are
 * texts per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(FeaturizerBenchmark.BATCH)
public class FeaturizerBenchmark {

  static final int BATCH = 64;

  /** The corpus directory; empty: {@code -Dmaas.corpus}, else the repository's dataset. */
  @Param({""})
  public String corpus;

  private WordFeaturizer featurizer;
  private List<List<String>> batches;
  private int next;

  @Setup
  public void loadCorpus() {
    Path dir =
        Path.of(
            corpus.isEmpty()
                ? System.getProperty("maas.corpus", ".maas/datasets/spam-assassin-0.2.3")
                : corpus);
    List<String> texts =
        new ArrayList<>(SpamAssassinCorpus.load(dir).stream().map(Example::text).toList());
    if (texts.isEmpty()) {
      throw new IllegalStateException("no texts in the corpus " + dir.toAbsolutePath());
    }
    Collections.shuffle(texts, new Random(42));
    // every batch full: the last one wraps around to the corpus's start
    int count = (texts.size() + BATCH - 1) / BATCH;
    batches = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      List<String> batch = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        batch.add(texts.get((b * BATCH + i) % texts.size()));
      }
      batches.add(List.copyOf(batch));
    }
    featurizer = new WordFeaturizer(new Preprocessing(20_000, 1 << 18, 1));
  }

  private List<String> nextBatch() {
    List<String> batch = batches.get(next);
    next = next + 1 == batches.size() ? 0 : next + 1;
    return batch;
  }

  /** The model, unpacked into a temporary directory and loaded once per fork. */
  @State(Scope.Benchmark)
  public static class Model {

    /** The model archive; empty: {@code -Dmaas.model}. */
    @Param({""})
    public String model;

    LoadedModel loaded;
    private Path dir;

    @Setup
    public void load() throws IOException {
      String archive = model.isEmpty() ? System.getProperty("maas.model", "") : model;
      if (archive.isEmpty()) {
        throw new IllegalStateException(
            "no model: pass -p model=ARCHIVE.tar.gz (or -Dmaas.model=ARCHIVE.tar.gz in the fork)");
      }
      dir = Files.createTempDirectory("maas-jmh-");
      ModelArchive.unpack(Path.of(archive), dir, ModelArchive.Limits.defaults());
      loaded = LoadedModel.load(dir, 1, -1, false);
      if (loaded.graphOnly() != null) {
        throw new IllegalStateException("the model has no Java path: " + loaded.graphOnly());
      }
    }

    @TearDown
    public void close() throws IOException {
      if (loaded != null) {
        loaded.close();
      }
      if (dir != null) {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.sorted(Comparator.reverseOrder())
              .forEach(
                  p -> {
                    try {
                      Files.delete(p);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
        }
      }
    }
  }

  @Benchmark
  public void featurize(Blackhole out) {
    out.consume(featurizer.featurize(nextBatch()));
  }

  @Benchmark
  public void javaPath(Model model, Blackhole out) {
    out.consume(model.loaded.predictFromFeatures(nextBatch()));
  }

  @Benchmark
  public void graphPath(Model model, Blackhole out) {
    out.consume(model.loaded.predictFromText(nextBatch()));
  }
}
