package io.maas.trainer;

import io.maas.common.io.FileTrees;
import io.maas.common.profile.ReferenceProfile;
import io.maas.common.profile.TextDescriptors;
import io.maas.common.profile.WordSet;
import io.maas.model.LoadedModel;
import io.maas.model.Vocabulary;
import io.maas.trainer.data.Augmentation;
import io.maas.trainer.data.Example;
import io.maas.trainer.data.Split;
import io.maas.trainer.data.TextView;
import io.maas.trainer.data.TrainingVocabulary;
import io.maas.trainer.eval.Calibration;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One training run: split by message, add the training variants of each training message
 * (body, cuts of the body, subject; {@link Augmentation}), train the baseline and the model on
 * the same examples, calibrate the model on the validation part, evaluate both on the held-out
 * messages as whole messages, bodies and the first 300 and 60 characters of bodies, profile the
 * model's answers there, export the model with its metadata and training vocabulary and pack it.
 */
public final class TrainCommand {

  /** Short texts of the kind producers send (the README's), answered in the trainer's output and the warm-up. */
  public static final List<String> EXAMPLES =
      List.of("WIN a FREE cruise, click now!!!", "Minutes of the release meeting attached");

  /** The warm-up texts every model carries, beside a few held-out messages and the {@link #EXAMPLES}. */
  static final List<String> FIXED_WARMUP = List.of("", "Ünïcødé ÄÖÜ Привет мир 你好 — 123");

  /**
   * What a run produced.
   *
   * @param archive  the packed model
   * @param metadata the content of maas-model.json
   * @param model    the model on whole held-out messages
   * @param baseline the Naive Bayes baseline on whole held-out messages
   * @param table    the evaluation tables
   * @param views    both on each view of the held-out messages, whole messages first
   */
  public record Result(
      Path archive,
      JsonObject metadata,
      Evaluation model,
      Evaluation baseline,
      String table,
      List<ViewEvaluation> views) {}

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
  public Result run(
      String model, String source, List<Example> examples, Path archive, String description)
      throws IOException {
    long started = System.nanoTime();
    Split split = Split.of(examples, options.seed(), options.testFraction());
    List<Example> fit = new ArrayList<>();
    List<Example> validation = new ArrayList<>();
    for (Example e : split.train()) {
      (Split.unit(options.seed() + 1, e.id()) < options.validationFraction() ? validation : fit)
          .add(e);
    }
    progress.accept(
        String.format(
            "data: %d examples, %d duplicates dropped; train %s (of which %d for validation), test %s",
            examples.size(),
            split.duplicates(),
            Split.balance(split.train()),
            validation.size(),
            Split.balance(split.test())));

    // variants after the split, each on its message's
    // side: a held-out message's never reach training
    List<Example> fitVariants = Augmentation.of(fit, options.seed());
    List<Example> validationVariants = Augmentation.of(validation, options.seed());
    progress.accept(
        String.format(
            "augmented: %d training texts from %d messages, %d validation texts from %d",
            fitVariants.size(), fit.size(), validationVariants.size(), validation.size()));

    NaiveBayes nb = naiveBayes(split, Augmentation.of(split.train(), options.seed()));

    Path work = Files.createTempDirectory("maas-train-");
    try {
      Path savedModel = work.resolve("model");
      ClassifierTrainer.Trained trained =
          new ClassifierTrainer(options, split.classes(), progress)
              .train(fitVariants, validationVariants, work, savedModel);
      List<String> words = TrainingVocabulary.of(split.train());
      Vocabulary.write(savedModel, words);
      List<ViewEvaluation> views = new ArrayList<>();
      List<double[][]> answers = new ArrayList<>();
      ReferenceProfile profile;
      JsonArray warmup = new JsonArray();
      try (LoadedModel classifier = LoadedModel.load(savedModel, 1, 1)) {
        int[] truth = split.test().stream().mapToInt(e -> split.classIndex(e.label())).toArray();
        for (TextView view : TextView.values()) {
          List<String> texts = split.test().stream().map(e -> view.apply(e.text())).toList();
          double[][] heldOut = predict(classifier, texts);
          views.add(evaluate(view, split, truth, heldOut, trained.temperature(), nb, texts));
          answers.add(heldOut);
        }
        // the same kind of set the inference service reads, so that
        // both count unseen words alike; the calibration table comes
        // from the calibrated probabilities, as the model answers
        profile = profile(split, answers, WordSet.of(words));
        List<String> texts = warmupTexts(split);
        double[][] probabilities = predict(classifier, texts);
        for (int i = 0; i < texts.size(); i++) {
          warmup.add(
              new JsonObject()
                  .put("text", texts.get(i))
                  .put(
                      "probabilities",
                      new JsonArray(java.util.Arrays.stream(probabilities[i]).boxed().toList())));
        }
      }
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      JsonObject metadata =
          RunReport.metadata(
                  options,
                  model,
                  source,
                  description,
                  split,
                  validation.size(),
                  trained,
                  views,
                  warmup,
                  seconds)
              .put("profile", profile.toJson());
      metadata
          .getJsonObject("data")
          .put(
              "augmented",
              new JsonObject()
                  .put("variants", new JsonArray(Augmentation.VARIANTS))
                  .put("training", fitVariants.size())
                  .put("validation", validationVariants.size()));
      Files.writeString(
          savedModel.resolve(ModelPackage.METADATA),
          metadata.encodePrettily(),
          StandardCharsets.UTF_8);
      ModelPackage.pack(savedModel, archive);
      ViewEvaluation whole = views.get(0);
      String table =
          Evaluation.table(List.of(whole.model(), whole.baseline()))
              + "\n"
              + RunReport.viewsTable(views, trained)
              + RunReport.examplesTable(warmup, nb, options.maxChars());
      return new Result(
          archive, metadata, whole.model(), whole.baseline(), table, List.copyOf(views));
    } finally {
      FileTrees.delete(work);
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

  /**
   * What the model's answers on the held-out split look like, for the monitor to compare production
   * with: the whole messages (the first of {@code byView}) for the drift parts, every view for the
   * calibration table, so that its less confident bins, where short texts land, hold enough answers.
   */
  static ReferenceProfile profile(Split split, List<double[][]> byView, Set<String> vocabulary) {
    ReferenceProfile.Builder builder = new ReferenceProfile.Builder(split.classes());
    for (int view = 0; view < byView.size(); view++) {
      double[][] probabilities = byView.get(view);
      for (int i = 0; i < probabilities.length; i++) {
        Example example = split.test().get(i);
        int best = Evaluation.argMax(probabilities[i]);
        String predicted = split.classes().get(best);
        if (view == 0) {
          builder.add(
              predicted,
              probabilities[i][best],
              TextDescriptors.of(example.text(), vocabulary),
              example.label());
        } else {
          builder.calibrate(predicted, probabilities[i][best], example.label());
        }
      }
    }
    return builder.build(ReferenceProfile.TRAINING, true);
  }

  /** The baseline, trained on the same texts as the model (training and validation variants). */
  private NaiveBayes naiveBayes(Split split, List<Example> train) {
    List<List<String>> documents =
        train.stream().map(e -> Tokenizer.tokens(e.text(), options.maxChars())).toList();
    int[] labels = train.stream().mapToInt(e -> split.classIndex(e.label())).toArray();
    return NaiveBayes.fit(documents, labels, split.classes().size(), 1.0);
  }

  private ViewEvaluation evaluate(
      TextView view,
      Split split,
      int[] truth,
      double[][] calibrated,
      double temperature,
      NaiveBayes nb,
      List<String> texts) {
    double[][] raw = Calibration.uncalibrated(calibrated, temperature);
    double[][] baseline =
        texts.stream()
            .map(t -> nb.predict(Tokenizer.tokens(t, options.maxChars())))
            .toArray(double[][]::new);
    return new ViewEvaluation(
        view,
        Evaluation.of("model", split.classes(), truth, calibrated),
        Evaluation.of("naive-bayes", split.classes(), truth, baseline),
        Calibration.expectedCalibrationError(truth, raw, Calibration.ECE_BINS),
        Calibration.expectedCalibrationError(truth, calibrated, Calibration.ECE_BINS),
        Calibration.meanConfidence(raw),
        Calibration.meanConfidence(calibrated),
        Calibration.expectedCalibrationError(truth, baseline, Calibration.ECE_BINS));
  }

  /** Two held-out texts per class (cut to 2,000 characters), then the examples and the fixed ones. */
  private static List<String> warmupTexts(Split split) {
    List<String> texts = new ArrayList<>();
    for (String label : split.classes()) {
      split.test().stream()
          .filter(e -> e.label().equals(label))
          .limit(2)
          .map(
              e ->
                  e.text().length() > 2000
                      ? e.text().substring(0, e.text().offsetByCodePoints(0, 2000))
                      : e.text())
          .forEach(texts::add);
    }
    texts.addAll(EXAMPLES);
    texts.addAll(FIXED_WARMUP);
    return texts;
  }
}
