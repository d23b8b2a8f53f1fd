package io.maas.bench;

import io.maas.common.profile.ReferenceProfile;
import io.maas.model.LoadedModel;
import io.maas.model.ModelArchive;
import io.maas.model.ModelMetadata;
import io.maas.model.Vocabulary;
import io.maas.monitor.drift.DriftCheck;
import io.maas.monitor.drift.Estimate;
import io.maas.monitor.window.Aggregate;
import io.maas.monitor.window.SeriesWindow;
import io.maas.trainer.data.Example;
import io.maas.trainer.data.Split;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How the monitor's drift checks behave on real answers of a real model: the model answers the
 * held-out mails it was profiled on, README texts of npm packages (another domain), and a flood
 * of one class; the answers go through the monitor's own window and drift classes, exactly as
 * in the service. Prints Markdown for docs/MONITORING.md.
 *
 * <p>In-distribution windows are drawn with replacement from the held-out split (the only mails
 * the model has not been trained on), so they measure the sampling noise the thresholds must
 * stand, not a change of distribution. The answers are {@link DriftAnswer}s; the table of shifts
 * is {@link DriftShifts}'.
 */
final class DriftExperiment {

  private DriftExperiment() {}

  static void run(Path archive, List<Example> corpus, Path foreign, int windows)
      throws IOException {
    Path dir = Files.createTempDirectory("maas-drift-");
    ModelArchive.unpack(archive, dir, ModelArchive.Limits.defaults());
    JsonObject metadata = ModelMetadata.read(dir);
    List<String> classes = ModelMetadata.classes(metadata);
    JsonObject profileJson = metadata.getJsonObject("profile");
    if (profileJson == null) {
      throw new IllegalArgumentException(
          "the model has no reference profile: train it with this version of the trainer");
    }
    ReferenceProfile profile = ReferenceProfile.fromJson(profileJson);
    Set<String> vocabulary = Vocabulary.read(dir);
    JsonObject options = metadata.getJsonObject("options");
    List<Example> heldOut =
        Split.of(corpus, options.getLong("seed"), options.getDouble("testFraction")).test();
    List<String> foreignTexts = foreignTexts(foreign);

    List<DriftAnswer> inDistribution;
    List<DriftAnswer> other;
    try (LoadedModel model = LoadedModel.load(dir, 1, -1, false)) {
      inDistribution =
          DriftAnswer.of(
              model,
              classes,
              vocabulary,
              heldOut.stream().map(Example::text).toList(),
              heldOut.stream().map(Example::label).toList());
      other = DriftAnswer.of(model, classes, vocabulary, foreignTexts, null);
    }
    String flooded = classes.get(classes.size() - 1);
    List<DriftAnswer> flood =
        inDistribution.stream().filter(a -> flooded.equals(a.truth())).toList();

    // judged at every size here, to show what the service's minimum of 500 answers protects against
    DriftCheck check = new DriftCheck(0.2, 0.1, 1);
    Random random = new Random(7);
    System.out.printf(
        Locale.ROOT,
        "Model: %s, profile of %d held-out answers; vocabulary of %d words. Streams: %d held-out"
            + " mails; %d README sections of %d npm packages; %d held-out mails labelled %s.%n%n",
        metadata.getString("model"),
        profile.examples(),
        vocabulary == null ? 0 : vocabulary.size(),
        inDistribution.size(),
        other.size(),
        countFiles(foreign),
        flood.size(),
        flooded);

    System.out.println(
        "**In distribution** (no drift expected): windows drawn with replacement from the held-out mails,"
            + " judged with the default thresholds (PSI 0.2, JS 0.1) whatever their size.");
    System.out.println();
    System.out.println(
        "| answers per window | windows | drifted (false alarms) | score p50 / p95 / max | checks that fired |"
            + " estimated - realized accuracy, mean (max abs) |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    for (int size : new int[] {100, 200, 500, 1000, 5000}) {
      int alarms = 0;
      double[] scores = new double[windows];
      Map<String, Integer> fired = new TreeMap<>();
      double errorSum = 0;
      double errorMax = 0;
      for (int w = 0; w < windows; w++) {
        SeriesWindow window = new SeriesWindow();
        int correct = 0;
        for (int i = 0; i < size; i++) {
          DriftAnswer a = inDistribution.get(random.nextInt(inDistribution.size()));
          a.addTo(window, i);
          correct += a.label().equals(a.truth()) ? 1 : 0;
        }
        Aggregate aggregate = window.aggregate(Long.MIN_VALUE, Long.MAX_VALUE);
        DriftCheck.Verdict verdict = check.judge(aggregate, profile);
        scores[w] = verdict.score();
        if (verdict.drifted()) {
          alarms++;
          verdict
              .checks()
              .forEach(
                  (name, c) -> {
                    if (c.drifted()) {
                      fired.merge(name, 1, Integer::sum);
                    }
                  });
        }
        double error = Estimate.accuracy(aggregate.confidence(), profile) - correct / (double) size;
        errorSum += error;
        errorMax = Math.max(errorMax, Math.abs(error));
      }
      Arrays.sort(scores);
      System.out.printf(
          Locale.ROOT,
          "| %d | %d | %d (%.1f%%) | %.3f / %.3f / %.3f | %s | %+.4f (%.4f) |%n",
          size,
          windows,
          alarms,
          100.0 * alarms / windows,
          scores[windows / 2],
          scores[(int) (windows * 0.95)],
          scores[windows - 1],
          fired.isEmpty() ? "none" : fired.toString(),
          errorSum / windows,
          errorMax);
    }

    System.out.println();
    DriftShifts.printHeader();
    DriftCheck service = new DriftCheck(0.2, 0.1, 500);
    DriftShifts.printRow(
        "none (control)", inDistribution, inDistribution, 0, service, profile, random);
    for (double share : new double[] {1.0, 0.5, 0.25, 0.1, 0.05}) {
      DriftShifts.printRow(
          "npm READMEs (another domain)", other, inDistribution, share, service, profile, random);
    }
    for (double share : new double[] {1.0, 0.5, 0.25}) {
      DriftShifts.printRow(
          "held-out " + flooded + " only (a flood of one class)",
          flood,
          inDistribution,
          share,
          service,
          profile,
          random);
    }
  }

  /** README files cut into sections of at least 200 characters: a README is many texts, as a mail is one. */
  private static List<String> foreignTexts(Path dir) throws IOException {
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        StringBuilder section = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.startsWith("#") && section.length() >= 200) {
            texts.add(section.toString());
            section.setLength(0);
          }
          section.append(line).append('\n');
        }
        if (section.length() >= 200) {
          texts.add(section.toString());
        }
      }
    }
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no README text under " + dir);
    }
    return texts;
  }

  private static long countFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
