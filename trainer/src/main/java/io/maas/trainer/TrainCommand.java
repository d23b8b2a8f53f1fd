package io.maas.trainer;

import io.maas.common.profile.ReferenceProfile;
import io.maas.common.profile.TextDescriptors;
import io.maas.common.profile.WordSet;
import io.maas.model.LoadedModel;
import io.maas.model.Vocabulary;
import io.maas.trainer.data.Example;
import io.maas.trainer.data.Split;
import io.maas.trainer.data.TrainingVocabulary;
import io.maas.trainer.eval.Evaluation;
import io.maas.trainer.eval.NaiveBayes;
import io.maas.trainer.eval.Tokenizer;
import io.maas.trainer.model.ClassifierTrainer;
import io.maas.trainer.model.ModelPackage;
import io.maas.trainer.model.TrainOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.tensorflow.TensorFlow;

/**
 * One training run: split, train the baseline and the model on the same split, evaluate both
 * on the held-out part, profile the model's answers there, export the model with its metadata
 * and training vocabulary and pack it.
 */
public final class TrainCommand {

  /** The warm-up texts every model carries, beside a few held-out messages. */
  static final List<String> FIXED_WARMUP = List.of("", "Ünïcødé ÄÖÜ Привет мир 你好 — 123");

  /**
   * What a run produced.
   *
   * @param archive  the packed model
   * @param metadata the content of maas-model.json
   * @param table    the evaluation table
   */
  public record Result(Path archive, JsonObject metadata, Evaluation model, Evaluation baseline, String table) {
  }

  private final TrainOptions options;
  private final Consumer<String> progress;

  public TrainCommand(TrainOptions options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress;
  }

  /**
   * @param model       the model name the metadata records
   * @param source      a description of the data, for the metadata
   * @param examples    the whole dataset
   * @param archive     where the .tar.gz goes
   */
  public Result run(String model, String source, List<Example> examples, Path archive, String description)
      throws IOException {
    long started = System.nanoTime();
    Split split = Split.of(examples, options.seed(), options.testFraction());
    List<Example> fit = new ArrayList<>();
    List<Example> validation = new ArrayList<>();
    for (Example e : split.train()) {
      (Split.unit(options.seed() + 1, e.id()) < options.validationFraction() ? validation : fit).add(e);
    }
    progress.accept(String.format("data: %d examples, %d duplicates dropped; train %s (of which %d for validation), test %s",
        examples.size(), split.duplicates(), Split.balance(split.train()), validation.size(), Split.balance(split.test())));

    Evaluation baseline = naiveBayes(split);

    Path work = Files.createTempDirectory("maas-train-");
    try {
      Path savedModel = work.resolve("model");
      ClassifierTrainer.Trained trained = new ClassifierTrainer(options, split.classes(), progress)
          .train(fit, validation, work, savedModel);
      List<String> words = TrainingVocabulary.of(split.train());
      Vocabulary.write(savedModel, words);
      Evaluation evaluation;
      ReferenceProfile profile;
      JsonArray warmup = new JsonArray();
      try (LoadedModel classifier = LoadedModel.load(savedModel, 1, 1)) {
        int[] truth = split.test().stream().mapToInt(e -> split.classIndex(e.label())).toArray();
        double[][] heldOut = predict(classifier, split.test().stream().map(Example::text).toList());
        evaluation = Evaluation.of("model", split.classes(), truth, heldOut);
        // the same kind of set the inference service reads, so that both count unseen words alike
        profile = profile(split, heldOut, WordSet.of(words));
        List<String> texts = warmupTexts(split);
        double[][] probabilities = predict(classifier, texts);
        for (int i = 0; i < texts.size(); i++) {
          warmup.add(new JsonObject().put("text", texts.get(i)).put("probabilities", new JsonArray(
              java.util.Arrays.stream(probabilities[i]).boxed().toList())));
        }
      }
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      JsonObject metadata = metadata(model, source, description, split, validation.size(), trained, evaluation,
          baseline, warmup, seconds).put("profile", profile.toJson());
      Files.writeString(savedModel.resolve(ModelPackage.METADATA), metadata.encodePrettily(), StandardCharsets.UTF_8);
      ModelPackage.pack(savedModel, archive);
      String table = Evaluation.table(List.of(evaluation, baseline));
      return new Result(archive, metadata, evaluation, baseline, table);
    } finally {
      deleteTree(work);
    }
  }

  /** Probabilities in batches of 256, widened to double for the metrics. */
  static double[][] predict(LoadedModel model, List<String> texts) {
    double[][] out = new double[texts.size()][];
    for (int from = 0; from < texts.size(); from += 256) {
      float[][] batch = model.predict(texts.subList(from, Math.min(texts.size(), from + 256)));
      for (int i = 0; i < batch.length; i++) {
        out[from + i] = new double[batch[i].length];
        for (int c = 0; c < batch[i].length; c++) {
          out[from + i][c] = batch[i][c];
        }
      }
    }
    return out;
  }

  /** What the model's answers on the held-out split look like, for the monitor to compare production with. */
  static ReferenceProfile profile(Split split, double[][] probabilities, Set<String> vocabulary) {
    ReferenceProfile.Builder builder = new ReferenceProfile.Builder(split.classes());
    for (int i = 0; i < probabilities.length; i++) {
      Example example = split.test().get(i);
      int best = Evaluation.argMax(probabilities[i]);
      builder.add(split.classes().get(best), probabilities[i][best], TextDescriptors.of(example.text(), vocabulary),
          example.label());
    }
    return builder.build(ReferenceProfile.TRAINING, true);
  }

  private Evaluation naiveBayes(Split split) {
    List<List<String>> documents = split.train().stream().map(e -> Tokenizer.tokens(e.text(), options.maxChars())).toList();
    int[] labels = split.train().stream().mapToInt(e -> split.classIndex(e.label())).toArray();
    NaiveBayes nb = NaiveBayes.fit(documents, labels, split.classes().size(), 1.0);
    int[] truth = split.test().stream().mapToInt(e -> split.classIndex(e.label())).toArray();
    double[][] probabilities = split.test().stream()
        .map(e -> nb.predict(Tokenizer.tokens(e.text(), options.maxChars()))).toArray(double[][]::new);
    return Evaluation.of("naive-bayes", split.classes(), truth, probabilities);
  }

  /** Two held-out texts per class (cut to 2,000 characters), then the fixed ones. */
  private static List<String> warmupTexts(Split split) {
    List<String> texts = new ArrayList<>();
    for (String label : split.classes()) {
      split.test().stream().filter(e -> e.label().equals(label)).limit(2)
          .map(e -> e.text().length() > 2000 ? e.text().substring(0, e.text().offsetByCodePoints(0, 2000)) : e.text())
          .forEach(texts::add);
    }
    texts.addAll(FIXED_WARMUP);
    return texts;
  }

  private JsonObject metadata(String model, String source, String description, Split split, int validation,
      ClassifierTrainer.Trained trained, Evaluation evaluation, Evaluation baseline, JsonArray warmup, long seconds) {
    JsonArray history = new JsonArray();
    trained.history().forEach(e -> history.add(new JsonObject().put("epoch", e.epoch())
        .put("trainLoss", e.trainLoss()).put("validationLoss", e.validationLoss())
        .put("validationAccuracy", e.validationAccuracy()).put("millis", e.millis())));
    return new JsonObject()
        .put("format", 1)
        .put("model", model)
        .put("description", description)
        .put("classes", new JsonArray(split.classes()))
        .put("signature", new JsonObject()
            .put("name", "serving_default")
            .put("inputs", new JsonObject().put("text", "string [-1]"))
            .put("outputs", new JsonObject()
                .put("probabilities", "float [-1, " + split.classes().size() + "]")
                .put("label", "int64 [-1], index into classes")))
        .put("options", options.toJson())
        .put("data", new JsonObject()
            .put("source", source)
            .put("examples", split.train().size() + split.test().size() + split.duplicates())
            .put("duplicatesDropped", split.duplicates())
            .put("train", new JsonObject(new java.util.LinkedHashMap<>(Split.balance(split.train()))))
            .put("validation", validation)
            .put("test", new JsonObject(new java.util.LinkedHashMap<>(Split.balance(split.test())))))
        .put("training", new JsonObject()
            .put("bestEpoch", trained.bestEpoch())
            .put("history", history)
            .put("seconds", seconds))
        .put("metrics", evaluation.toJson().put("baseline", new JsonObject().put("naiveBayes", baseline.toJson())))
        .put("created", Instant.now().toString())
        .put("trainer", new JsonObject()
            .put("version", Main.version())
            .put("tensorflow", TensorFlow.version()))
        .put("warmup", warmup);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
