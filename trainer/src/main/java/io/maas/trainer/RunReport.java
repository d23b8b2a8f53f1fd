package io.maas.trainer;

import io.maas.trainer.data.Split;
import io.maas.trainer.eval.Calibration;
import io.maas.trainer.eval.NaiveBayes;
import io.maas.trainer.eval.Tokenizer;
import io.maas.trainer.model.ClassifierTrainer;
import io.maas.trainer.model.TrainOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.tensorflow.TensorFlow;

/**
 * What a training run tells: the tables it prints and the metadata ({@code maas-model.json}) it
 * packs, from the numbers {@link TrainCommand} measured. Kept apart from the run itself so that
 * the order of training, evaluation and export reads in one place and the wording in another.
 */
final class RunReport {

  private RunReport() {}

  /** Accuracy and calibration of both per view of the held-out messages. */
  static String viewsTable(List<ViewEvaluation> views, ClassifierTrainer.Trained trained) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d held-out messages seen %d ways; temperature %.4f (fitted on validation: ECE %.4f -> %.4f), ECE with %d bins; "
                    + "95 %% interval: Wilson's, of the accuracy%n%n",
                views.get(0).model().examples(),
                views.size(),
                trained.temperature(),
                trained.validation().eceBefore(),
                trained.validation().eceAfter(),
                Calibration.ECE_BINS));
    out.append(
        "| view | model accuracy | 95 % interval | errors | model ROC-AUC | ECE before | ECE after | mean confidence before | after "
            + "| naive-bayes accuracy | naive-bayes ROC-AUC | naive-bayes ECE |\n");
    out.append("|").append(" --- |".repeat(12)).append("\n");
    for (ViewEvaluation v : views) {
      double[] interval = v.model().accuracyInterval();
      int errors = (int) Math.round((1 - v.model().accuracy()) * v.model().examples());
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %.4f-%.4f | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f |%n",
              v.view().key(),
              v.model().accuracy(),
              interval[0],
              interval[1],
              errors,
              v.model().rocAuc(),
              v.eceBefore(),
              v.eceAfter(),
              v.confidenceBefore(),
              v.confidenceAfter(),
              v.baseline().accuracy(),
              v.baseline().rocAuc(),
              v.baselineEce()));
    }
    return out.toString();
  }

  /** The model's answers to the {@link TrainCommand#EXAMPLES} (from the warm-up) and the baseline's. */
  static String examplesTable(JsonArray warmup, NaiveBayes nb, int maxChars) {
    StringBuilder out = new StringBuilder("\n");
    for (int i = 0; i < warmup.size(); i++) {
      JsonObject w = warmup.getJsonObject(i);
      if (TrainCommand.EXAMPLES.contains(w.getString("text"))) {
        out.append(
            String.format(
                Locale.ROOT,
                "\"%s\": model %s, naive-bayes %s%n",
                w.getString("text"),
                w.getJsonArray("probabilities").stream()
                    .map(p -> String.format(Locale.ROOT, "%.4f", ((Number) p).doubleValue()))
                    .toList(),
                java.util.Arrays.stream(nb.predict(Tokenizer.tokens(w.getString("text"), maxChars)))
                    .mapToObj(p -> String.format(Locale.ROOT, "%.4f", p))
                    .toList()));
      }
    }
    return out.toString();
  }

  static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 1e6) / 1e6;
  }

  static JsonObject metadata(
      TrainOptions options,
      String model,
      String source,
      String description,
      Split split,
      int validation,
      ClassifierTrainer.Trained trained,
      List<ViewEvaluation> views,
      JsonArray warmup,
      long seconds) {
    JsonObject metrics = views.get(0).toJson();
    JsonObject byView = new JsonObject();
    JsonObject baselineByView = new JsonObject();
    for (ViewEvaluation v : views) {
      byView.put(v.view().key(), v.toJson().put("description", v.view().description()));
      baselineByView.put(v.view().key(), v.baseline().toJson().put("ece", round(v.baselineEce())));
    }
    metrics
        .put("views", byView)
        .put(
            "calibration",
            new JsonObject()
                .put("method", "temperature scaling, fitted on the validation texts")
                .put("temperature", trained.temperature())
                .put("eceBins", Calibration.ECE_BINS)
                .put(
                    "validation",
                    new JsonObject()
                        .put("nllBefore", round(trained.validation().nllBefore()))
                        .put("nllAfter", round(trained.validation().nllAfter()))
                        .put("eceBefore", round(trained.validation().eceBefore()))
                        .put("eceAfter", round(trained.validation().eceAfter()))))
        .put(
            "baseline",
            new JsonObject()
                .put(
                    "naiveBayes",
                    views
                        .get(0)
                        .baseline()
                        .toJson()
                        .put("ece", round(views.get(0).baselineEce()))
                        .put("views", baselineByView)));
    JsonArray history = new JsonArray();
    trained
        .history()
        .forEach(
            e ->
                history.add(
                    new JsonObject()
                        .put("epoch", e.epoch())
                        .put("trainLoss", e.trainLoss())
                        .put("validationLoss", e.validationLoss())
                        .put("validationAccuracy", e.validationAccuracy())
                        .put("millis", e.millis())));
    return new JsonObject()
        .put("format", 1)
        .put("model", model)
        .put("description", description)
        .put("classes", new JsonArray(split.classes()))
        .put(
            "signature",
            new JsonObject()
                .put("name", "serving_default")
                .put("inputs", new JsonObject().put("text", "string [-1]"))
                .put(
                    "outputs",
                    new JsonObject()
                        .put("probabilities", "float [-1, " + split.classes().size() + "]")
                        .put("label", "int64 [-1], index into classes")))
        .put("preprocessing", options.preprocessing().toJson())
        .put("options", options.toJson())
        .put(
            "data",
            new JsonObject()
                .put("source", source)
                .put("examples", split.train().size() + split.test().size() + split.duplicates())
                .put("duplicatesDropped", split.duplicates())
                .put(
                    "train",
                    new JsonObject(new java.util.LinkedHashMap<>(Split.balance(split.train()))))
                .put("validation", validation)
                .put(
                    "test",
                    new JsonObject(new java.util.LinkedHashMap<>(Split.balance(split.test())))))
        .put(
            "training",
            new JsonObject()
                .put("bestEpoch", trained.bestEpoch())
                .put("history", history)
                .put("seconds", seconds))
        .put("metrics", metrics)
        .put("created", Instant.now().toString())
        .put(
            "trainer",
            new JsonObject().put("version", Main.version()).put("tensorflow", TensorFlow.version()))
        .put("warmup", warmup);
  }
}
