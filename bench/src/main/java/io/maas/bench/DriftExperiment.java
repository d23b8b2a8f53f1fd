package io.maas.bench;

import io.maas.common.profile.ReferenceProfile;
import io.maas.common.profile.TextDescriptors;
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
 * stand, not a change of distribution.
 */
final class DriftExperiment {

  /** What the monitor keeps of one answer. */
  private record Answer(String label, double top, TextDescriptors descriptors, String truth) {}

  private static final long T0 = 1_800_000_000_000L;
  private static final int WINDOW = 1000;
  private static final int STEP = 25;
  private static final int STREAMS = 20;
  private static final int LIMIT = 10_000;

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

    List<Answer> inDistribution;
    List<Answer> other;
    try (LoadedModel model = LoadedModel.load(dir, 1, -1, false)) {
      inDistribution =
          answer(
              model,
              classes,
              vocabulary,
              heldOut.stream().map(Example::text).toList(),
              heldOut.stream().map(Example::label).toList());
      other = answer(model, classes, vocabulary, foreignTexts, null);
    }
    String flooded = classes.get(classes.size() - 1);
    List<Answer> flood = inDistribution.stream().filter(a -> flooded.equals(a.truth())).toList();

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
          Answer a = inDistribution.get(random.nextInt(inDistribution.size()));
          add(window, a, i);
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
    System.out.println(
        "**Shifts** (drift expected): "
            + STREAMS
            + " streams each start with "
            + WINDOW
            + " held-out answers;"
            + " then each answer comes from the shifted source with the given share, from held-out mails otherwise. The last "
            + WINDOW
            + " answers are judged every "
            + STEP
            + " answers, as the service judges its window. Answers after the"
            + " shift began until the first drifted verdict: median (max), the checks that fired then. The row with share 0"
            + " is the control: "
            + LIMIT
            + " answers of held-out mails, judged "
            + (LIMIT / STEP)
            + " times per stream.");
    System.out.println();
    System.out.println(
        "| shifted source | share | answers until flagged, median (max) | flagged streams | checks that fired |");
    System.out.println("| --- | --- | --- | --- | --- |");
    DriftCheck service = new DriftCheck(0.2, 0.1, 500);
    shift("none (control)", inDistribution, inDistribution, 0, service, profile, random);
    for (double share : new double[] {1.0, 0.5, 0.25, 0.1, 0.05}) {
      shift("npm READMEs (another domain)", other, inDistribution, share, service, profile, random);
    }
    for (double share : new double[] {1.0, 0.5, 0.25}) {
      shift(
          "held-out " + flooded + " only (a flood of one class)",
          flood,
          inDistribution,
          share,
          service,
          profile,
          random);
    }
  }

  /** Sliding windows of the last {@value #WINDOW} answers, the shift starting after one full window. */
  private static void shift(
      String name,
      List<Answer> shifted,
      List<Answer> base,
      double share,
      DriftCheck check,
      ReferenceProfile profile,
      Random random) {
    List<Integer> until = new ArrayList<>();
    Map<String, Integer> fired = new TreeMap<>();
    for (int s = 0; s < STREAMS; s++) {
      Answer[] last = new Answer[WINDOW];
      for (int i = 0; i < WINDOW; i++) {
        last[i] = base.get(random.nextInt(base.size()));
      }
      for (int i = 1; i <= LIMIT; i++) {
        List<Answer> from = random.nextDouble() < share ? shifted : base;
        last[i % WINDOW] = from.get(random.nextInt(from.size()));
        if (i % STEP == 0) {
          SeriesWindow window = new SeriesWindow();
          for (int j = 0; j < WINDOW; j++) {
            add(window, last[j], j);
          }
          DriftCheck.Verdict verdict =
              check.judge(window.aggregate(Long.MIN_VALUE, Long.MAX_VALUE), profile);
          if (verdict.drifted()) {
            until.add(i);
            verdict
                .checks()
                .forEach(
                    (n, c) -> {
                      if (c.drifted()) {
                        fired.merge(n, 1, Integer::sum);
                      }
                    });
            break;
          }
        }
      }
    }
    until.sort(null);
    System.out.printf(
        Locale.ROOT,
        "| %s | %.0f%% | %s | %d of %d | %s |%n",
        name,
        share * 100,
        until.isEmpty()
            ? "never (within " + LIMIT + ")"
            : until.get(until.size() / 2) + " (" + until.get(until.size() - 1) + ")",
        until.size(),
        STREAMS,
        fired.isEmpty() ? "none" : fired.toString());
  }

  private static void add(SeriesWindow window, Answer a, int i) {
    window.add(T0 + i, a.label(), a.top(), a.descriptors(), 10);
  }

  private static List<Answer> answer(
      LoadedModel model,
      List<String> classes,
      Set<String> vocabulary,
      List<String> texts,
      List<String> truths) {
    List<Answer> answers = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += 64) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + 64));
      float[][] probabilities = model.predict(batch);
      for (int i = 0; i < batch.size(); i++) {
        int best = 0;
        for (int c = 1; c < probabilities[i].length; c++) {
          if (probabilities[i][c] > probabilities[i][best]) {
            best = c;
          }
        }
        answers.add(
            new Answer(
                classes.get(best),
                probabilities[i][best],
                TextDescriptors.of(batch.get(i), vocabulary),
                truths == null ? null : truths.get(from + i)));
      }
    }
    return answers;
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
