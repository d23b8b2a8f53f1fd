package io.maas.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.maas.common.profile.ReferenceProfile;
import io.maas.common.profile.TextDescriptors;
import io.maas.model.LoadedModel;
import io.maas.model.ModelArchive;
import io.maas.model.ModelMetadata;
import io.maas.model.PreprocessingCheck;
import io.maas.model.Vocabulary;
import io.maas.model.features.Preprocessing;
import io.maas.testkit.Fixtures;
import io.maas.testkit.ServiceProcess;
import io.maas.trainer.data.Datasets;
import io.maas.trainer.data.Example;
import io.maas.trainer.model.TrainOptions;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Trains on the committed fixture of real messages, exports, and checks what the registry and
 * the inference service will rely on: the signature, the metadata, a forward-only graph, the
 * same probabilities in a fresh JVM, and the edge cases of the in-graph preprocessing.
 */
class TrainerIT {

  private static final int MAX_CHARS = 1000;

  @TempDir static Path dir;
  static TrainCommand.Result result;
  static Path model;

  @BeforeAll
  static void train() throws Exception {
    Path fixture = Fixtures.copy(Fixtures.SPAM_SAMPLE, dir);
    List<Example> examples = Datasets.read(fixture);
    result =
        new TrainCommand(options(), line -> {})
            .run("spam", "fixture", examples, dir.resolve("spam.tar.gz"), "test");
    model = dir.resolve("unpacked");
    ModelArchive.unpack(result.archive(), model, ModelArchive.Limits.defaults());
  }

  private static TrainOptions options() {
    return new TrainOptions(1 << 14, 16, 20, 16, 0.005f, MAX_CHARS, 42L, 0.2, 0.1, 3, 1);
  }

  @Test
  void learnsFromTheFixtureAtLeastAsWellAsTheBaseline() {
    assertThat(result.model().accuracy()).isGreaterThanOrEqualTo(0.8);
    assertThat(result.model().rocAuc()).isGreaterThanOrEqualTo(0.9);
    assertThat(result.model().accuracy()).isGreaterThanOrEqualTo(result.baseline().accuracy());
    assertThat(result.table())
        .contains("| model |")
        .contains("| naive-bayes |")
        .contains("| body300 |");
  }

  @Test
  void evaluatesHeldOutMessagesWholeAsBodiesAndAsTheirFirst300And60Characters() {
    assertThat(result.views())
        .extracting(v -> v.view().key())
        .containsExactly("whole", "body", "body300", "body60");
    assertThat(result.views().get(0).model()).isSameAs(result.model());
    int testSize = result.model().support()[0] + result.model().support()[1];
    assertThat(result.views())
        .allSatisfy(
            v -> {
              assertThat(v.model().support()).containsExactly(result.model().support());
              assertThat(v.baseline().support()).containsExactly(result.model().support());
              assertThat(v.model().accuracy()).isGreaterThanOrEqualTo(0.6);
            });
    assertThat(testSize).isPositive();
  }

  @Test
  void theExportedModelIsCalibratedByATemperatureFittedOnValidation() throws Exception {
    JsonObject metrics =
        new JsonObject(Files.readString(model.resolve("maas-model.json"), StandardCharsets.UTF_8))
            .getJsonObject("metrics");
    JsonObject calibration = metrics.getJsonObject("calibration");
    double temperature = calibration.getDouble("temperature");
    assertThat(temperature).isBetween(0.05, 20.0);
    assertThat(calibration.getInteger("eceBins")).isEqualTo(15);
    assertThat(calibration.getJsonObject("validation").getDouble("nllAfter"))
        .isLessThanOrEqualTo(calibration.getJsonObject("validation").getDouble("nllBefore") + 1e-9);
    for (String view : List.of("whole", "body", "body300", "body60")) {
      JsonObject v = metrics.getJsonObject("views").getJsonObject(view);
      assertThat(v.getDouble("accuracy")).as(view).isNotNull();
      assertThat(v.getDouble("ece")).as(view).isBetween(0.0, 1.0);
      assertThat(v.getDouble("eceBeforeCalibration")).as(view).isBetween(0.0, 1.0);
      assertThat(
              metrics
                  .getJsonObject("baseline")
                  .getJsonObject("naiveBayes")
                  .getJsonObject("views")
                  .getJsonObject(view)
                  .getDouble("accuracy"))
          .as(view)
          .isNotNull();
    }
    assertThat(metrics.getJsonObject("views").getJsonObject("whole").getDouble("accuracy"))
        .isEqualTo(metrics.getDouble("accuracy"));

    // the temperature is in the serving graph: the answers are softmax(logits / T)
    SavedModel saved;
    try (InputStream in = Files.newInputStream(model.resolve("saved_model.pb"))) {
      saved = SavedModel.parseFrom(in);
    }
    NodeDef t =
        saved.getMetaGraphs(0).getGraphDef().getNodeList().stream()
            .filter(n -> n.getName().equals("temperature"))
            .findFirst()
            .orElseThrow();
    assertThat(t.getAttrOrThrow("value").getTensor().getFloatVal(0)).isEqualTo((float) temperature);
  }

  @Test
  void exportsTheContractSignatureAndNoTrainingOps() throws Exception {
    SavedModel saved;
    try (InputStream in = Files.newInputStream(model.resolve("saved_model.pb"))) {
      saved = SavedModel.parseFrom(in);
    }
    assertThat(saved.getMetaGraphsCount()).isEqualTo(1);
    assertThat(saved.getMetaGraphs(0).getMetaInfoDef().getTagsList()).containsExactly("serve");
    SignatureDef signature = saved.getMetaGraphs(0).getSignatureDefOrThrow("serving_default");
    TensorInfo text = signature.getInputsOrThrow("text");
    assertThat(text.getDtype().name()).isEqualTo("DT_STRING");
    assertThat(text.getTensorShape().getDimList())
        .extracting(d -> d.getSize())
        .containsExactly(-1L);
    TensorInfo probabilities = signature.getOutputsOrThrow("probabilities");
    assertThat(probabilities.getDtype().name()).isEqualTo("DT_FLOAT");
    assertThat(probabilities.getTensorShape().getDimList())
        .extracting(d -> d.getSize())
        .containsExactly(-1L, 2L);
    assertThat(signature.getOutputsOrThrow("label").getDtype().name()).isEqualTo("DT_INT64");

    List<String> ops =
        saved.getMetaGraphs(0).getGraphDef().getNodeList().stream().map(NodeDef::getOp).toList();
    assertThat(ops)
        .contains(
            "StringLower",
            "StaticRegexReplace",
            "StringSplitV2",
            "StringToHashBucketFast",
            "Softmax")
        .noneMatch(
            op -> op.startsWith("Apply") || op.startsWith("Resource") && op.contains("Apply"));
    assertThat(saved.getMetaGraphs(0).getGraphDef().getNodeList())
        .extracting(NodeDef::getName)
        .noneMatch(name -> name.toLowerCase().contains("adam") || name.contains("gradients"));
  }

  @Test
  void theFeaturesSignatureFedByTheJavaFeaturizerAnswersAsTheGraph() throws Exception {
    SavedModel saved;
    try (InputStream in = Files.newInputStream(model.resolve("saved_model.pb"))) {
      saved = SavedModel.parseFrom(in);
    }
    SignatureDef features = saved.getMetaGraphs(0).getSignatureDefOrThrow(Preprocessing.SIGNATURE);
    assertThat(features.getInputsMap())
        .containsOnlyKeys(Preprocessing.BUCKET, Preprocessing.DOCUMENT, Preprocessing.TEXTS);
    assertThat(features.getOutputsMap()).containsOnlyKeys("probabilities", "label");
    JsonObject metadata =
        new JsonObject(Files.readString(model.resolve("maas-model.json"), StandardCharsets.UTF_8));
    assertThat(Preprocessing.of(metadata)).isEqualTo(options().preprocessing());

    List<String> texts = new ArrayList<>(ModelMetadata.warmupTexts(metadata));
    Datasets.read(Fixtures.copy(Fixtures.SPAM_SAMPLE, dir)).forEach(e -> texts.add(e.text()));
    try (LoadedModel loaded = LoadedModel.load(model, 1, 1)) {
      assertThat(loaded.graphOnly()).isNull();
      assertThat(loaded.preprocessing()).isEqualTo("graph");
      float[][] graph = loaded.predictFromText(texts);
      float[][] java = loaded.predictFromFeatures(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(java[i]).as("text %d", i).containsExactly(graph[i], within(1e-6f));
      }
      PreprocessingCheck check = PreprocessingCheck.run(loaded, texts);
      assertThat(check.path()).isEqualTo("java");
      assertThat(check.maxDifference()).isLessThanOrEqualTo(PreprocessingCheck.TOLERANCE);
      assertThat(check.texts()).isGreaterThan(texts.size());
      loaded.preprocessInJava(true);
      assertThat(loaded.predict(texts)).isDeepEqualTo(java);
    }
  }

  @Test
  void metadataCarriesClassesMetricsOptionsAndWarmup() throws Exception {
    JsonObject metadata =
        new JsonObject(Files.readString(model.resolve("maas-model.json"), StandardCharsets.UTF_8));

    assertThat(metadata.getJsonArray("classes").getList()).containsExactly("ham", "spam");
    assertThat(metadata.getJsonObject("metrics").getDouble("accuracy"))
        .isEqualTo(result.model().accuracy(), within(1e-6));
    assertThat(
            metadata
                .getJsonObject("metrics")
                .getJsonObject("baseline")
                .getJsonObject("naiveBayes")
                .getDouble("accuracy"))
        .isNotNull();
    assertThat(metadata.getJsonObject("options").getInteger("maxChars")).isEqualTo(MAX_CHARS);
    assertThat(metadata.getJsonObject("data").getJsonObject("test").getMap())
        .containsKeys("ham", "spam");
    assertThat(metadata.getJsonArray("warmup")).hasSizeGreaterThanOrEqualTo(4);
    assertThat(
            metadata.getJsonArray("warmup").stream().map(w -> ((JsonObject) w).getString("text")))
        .containsAll(TrainCommand.EXAMPLES);
    assertThat(metadata.getJsonObject("data").getJsonObject("augmented").getInteger("training"))
        .isGreaterThan(
            metadata.getJsonObject("data").getJsonObject("train").stream()
                .mapToInt(e -> ((Number) e.getValue()).intValue())
                .sum());
    assertThat(metadata.getJsonObject("trainer").getString("tensorflow")).isNotBlank();
  }

  @Test
  void theArchiveCarriesTheHeldOutProfileAndTheTrainingVocabulary() throws Exception {
    JsonObject metadata =
        new JsonObject(Files.readString(model.resolve("maas-model.json"), StandardCharsets.UTF_8));
    int testSize =
        metadata.getJsonObject("data").getJsonObject("test").stream()
            .mapToInt(e -> ((Number) e.getValue()).intValue())
            .sum();
    ReferenceProfile profile = ReferenceProfile.fromJson(metadata.getJsonObject("profile"));

    assertThat(profile.source()).isEqualTo(ReferenceProfile.TRAINING);
    assertThat(profile.examples()).isEqualTo(testSize).isPositive();
    assertThat(profile.actual()).containsOnlyKeys("ham", "spam");
    assertThat(profile.actual().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(testSize);
    assertThat(profile.labels().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(testSize);
    assertThat(profile.confidence().total()).isEqualTo(testSize);
    assertThat(profile.calibrated()).isTrue();
    // the calibration table holds every view of the held-out messages, and their right answers
    int views = result.views().size();
    assertThat(profile.calibration().total()).isEqualTo((long) views * testSize);
    long correct = java.util.Arrays.stream(profile.correct()).sum();
    double right = result.views().stream().mapToDouble(v -> v.model().accuracy() * testSize).sum();
    assertThat((double) correct)
        .as("the calibration table agrees with the evaluation of every view")
        .isCloseTo(right, within(1e-6));
    for (int bin = 0; bin < profile.confidence().bins(); bin++) {
      assertThat(profile.calibrationAnswers(bin))
          .isGreaterThanOrEqualTo(profile.confidence().count(bin));
    }
    assertThat(profile.descriptors()).containsOnlyKeys(TextDescriptors.NAMES);
    assertThat(profile.descriptors().values())
        .allSatisfy(d -> assertThat(d.total()).isEqualTo(testSize));

    List<String> lines = Files.readAllLines(model.resolve(Vocabulary.FILE), StandardCharsets.UTF_8);
    assertThat(lines)
        .isSorted()
        .doesNotHaveDuplicates()
        .hasSizeGreaterThan(100)
        .allSatisfy(
            w -> assertThat(w).isEqualTo(w.toLowerCase(Locale.ROOT)).matches("[\\p{L}\\p{N}]+"))
        .contains("the", "free");
    assertThat(Vocabulary.read(model)).hasSameSizeAs(lines);
  }

  @Test
  void aFreshJvmGetsTheSameProbabilities() {
    try (ServiceProcess verify =
        ServiceProcess.start(
            Main.class,
            Map.of(),
            dir.resolve("verify.log"),
            "verify",
            result.archive().toString())) {
      assertThat(verify.awaitExit(Duration.ofSeconds(120))).as(verify.log()).isZero();
      assertThat(verify.log())
          .containsPattern("largest probability difference (0\\.0|[0-9.]+E-[6-9])");
    }
  }

  @Test
  void aSecondRunOfTheSameSeedGivesTheSameModel() throws Exception {
    List<Example> examples =
        Datasets.read(Fixtures.copy(Fixtures.SPAM_SAMPLE, dir.resolve("again")));
    TrainCommand.Result again =
        new TrainCommand(options(), line -> {})
            .run("spam", "fixture", examples, dir.resolve("again.tar.gz"), "test");

    // bit for bit: every epoch's losses and every warm-up
    // probability (the Adam step's order, AdamStep)
    assertThat(
            again.metadata().getJsonObject("training").getJsonArray("history").stream()
                .map(e -> ((JsonObject) e).copy().put("millis", 0))
                .toList())
        .isEqualTo(
            result.metadata().getJsonObject("training").getJsonArray("history").stream()
                .map(e -> ((JsonObject) e).copy().put("millis", 0))
                .toList());
    assertThat(again.metadata().getJsonArray("warmup"))
        .isEqualTo(result.metadata().getJsonArray("warmup"));
  }

  @Test
  void emptyNonAsciiAndOverlongTextsGoThroughTheGraph() {
    String ham =
        "Hi team, the build of the release branch is green again; notes from the review are attached. ";
    String pastTheCap = ham.repeat(MAX_CHARS / ham.length() + 1).substring(0, MAX_CHARS);
    String overlong =
        pastTheCap + "FREE money click here viagra unsubscribe ".repeat(30_000); // about 1.2 MB
    try (LoadedModel classifier = LoadedModel.load(model, 1, 1)) {
      float[][] p =
          classifier.predict(
              List.of(
                  "",
                  "   ...   ",
                  "Ünïcødé ÄÖÜ Привет мир 你好",
                  "ünïcødé äöü привет мир 你好",
                  overlong,
                  pastTheCap));

      for (float[] row : p) {
        assertThat(row[0] + row[1]).isCloseTo(1.0f, within(1e-5f));
      }
      // no words: both get the biases alone
      assertThat(p[0]).containsExactly(p[1], within(1e-7f));
      // lower-casing is Unicode-aware, in the graph
      assertThat(p[2]).containsExactly(p[3], within(1e-7f));
      // documented: characters past maxChars are ignored,
      // so a long tail of spam words changes nothing
      assertThat(p[4]).containsExactly(p[5], within(1e-7f));
    }
  }
}
