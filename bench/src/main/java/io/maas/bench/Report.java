package io.maas.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * docs/BENCHMARKS.md, written from the JSON the runs of one {@code ./maas bench} left in its runs
 * folder: the targets and whether each was met, the in-process limit, the end-to-end runs, the
 * charts and the swap. The table rows are the ones the runs print ({@link #limitRow},
 * {@link #e2eRow}, {@link #swapRow}), so the report and the terminal show the same numbers.
 */
final class Report {

  /** The runs folder's files, by the run that writes them ({@code ./maas bench}). */
  static final String LIMIT = "limit.json";

  static final String SATURATION = "e2e-1-saturation.json";
  static final String MONITOR_STOPPED = "monitor-stopped.json";
  static final String MONITOR_RUNNING = "monitor-running.json";
  static final String OPEN_75 = "e2e-2-open-75.json";
  static final String OPEN_50 = "e2e-3-open-50.json";
  static final String OPEN_25 = "e2e-4-open-25.json";
  static final String UNBATCHED = "e2e-5-unbatched.json";
  static final String SWAP = "swap.json";

  /** The same stream without the PUT, when the run has it: the swap's ratio beside what noise alone gives. */
  static final String SWAP_CONTROL = "swap-control.json";

  static final String PREDICT = "predict.json";

  static final String LIMIT_HEADER = "| batch size | documents/s | ms per batch |";

  /**
   * What the runs ran on: the machine (the date, cores, memory and Java of the JVM writing the
   * report) and the platform's settings, which {@code ./maas bench} passes.
   */
  record Setting(
      LocalDate date,
      int cores,
      long memoryGib,
      String java,
      String kafkaHeap,
      String inferenceHeap,
      String ingestHeap,
      String intraOp,
      String interOp,
      String batchSize,
      String batchWaitMs,
      String modelVersion) {

    /** From {@code bench report}'s flags, the machine facts from this JVM. */
    static Setting of(Map<String, String> flags) {
      return new Setting(
          LocalDate.now(ZoneOffset.UTC),
          Runtime.getRuntime().availableProcessors(),
          totalMemoryGib(),
          runningJava(),
          required(flags, "kafka-heap"),
          required(flags, "inference-heap"),
          required(flags, "ingest-heap"),
          flags.getOrDefault("intra-op", "1"),
          flags.getOrDefault("inter-op", "-1"),
          flags.getOrDefault("batch-size", "64"),
          flags.getOrDefault("batch-wait-ms", "5"),
          required(flags, "model-version"));
    }
  }

  private Report() {}

  static void write(Path runs, Path out, Setting setting) throws IOException {
    Files.writeString(out, render(runs, setting));
  }

  static String render(Path runs, Setting s) throws IOException {
    JsonObject limit = read(runs, LIMIT);
    JsonObject saturation = read(runs, SATURATION);
    JsonObject unmonitored = read(runs, MONITOR_STOPPED);
    JsonObject monitored = read(runs, MONITOR_RUNNING);
    JsonObject half = read(runs, OPEN_50);
    List<JsonObject> e2e =
        List.of(
            saturation,
            unmonitored,
            monitored,
            read(runs, OPEN_75),
            half,
            read(runs, OPEN_25),
            read(runs, UNBATCHED));
    JsonObject swap = read(runs, SWAP);
    JsonObject control =
        Files.isRegularFile(runs.resolve(SWAP_CONTROL)) ? read(runs, SWAP_CONTROL) : null;

    long best = 0;
    for (JsonObject row : rows(limit)) {
      best = Math.max(best, rounded(row.getDouble("documentsPerSecond")));
    }
    long rate = rounded(saturation.getDouble("throughput"));
    long off = rounded(unmonitored.getDouble("throughput"));
    long on = rounded(monitored.getDouble("throughput"));
    long share = (long) Math.rint(100.0 * rate / best);
    long monitorShare = (long) Math.rint(100.0 * (rate + on) / 2 / off);
    long p99 = half.getLong("p99");
    String ratio = String.format(Locale.ROOT, "%.2f", swap.getDouble("ratio"));
    boolean swapMet =
        swap.getLong("lost") == 0
            && swap.getLong("oldAfterNew") == 0
            && Double.parseDouble(ratio) <= 1.5;
    String version = s.modelVersion();
    String other = String.valueOf(swap.getValue("to"));

    List<String> lines = new ArrayList<>();
    lines.addAll(
        List.of(
            "# Benchmarks",
            "",
            "Written by `./maas bench` on " + s.date() + " against `./maas up` on this machine:",
            s.cores() + " cores, " + s.memoryGib() + " GiB, " + s.java() + ". The broker and the",
            "four services run as separate JVMs (heaps: Kafka "
                + s.kafkaHeap()
                + ", inference "
                + s.inferenceHeap()
                + ",",
            "ingest "
                + s.ingestHeap()
                + "; G1 with 20 ms pause goals for the broker and inference) on the same",
            "cores as the benchmark. Model: spam v"
                + version
                + " (the trainer's defaults). Texts: the SpamAssassin",
            "messages as they are (whole messages with headers, 4.8 KB on average; the model reads at most",
            "20,000 characters), in one seeded random order. Inference: one instance, TensorFlow "
                + s.intraOp()
                + " intra-op",
            "thread and inter-op "
                + s.interOp()
                + " (-1: ops run on the calling thread), batches of up to",
            s.batchSize() + " waiting at most " + s.batchWaitMs() + " ms, at-least-once delivery.",
            "Shared machines are noisy: compare runs of one day.",
            "",
            "## Targets",
            "",
            "| target | measured | met |",
            "| --- | --- | --- |",
            "| saturated end-to-end throughput at least 70% of the in-process limit | "
                + rate
                + " of "
                + best
                + " documents/s: "
                + share
                + "% | "
                + met(share >= 70)
                + " |",
            "| p99 latency at half of saturation under 50 ms | "
                + p99
                + " ms | "
                + met(p99 < 50)
                + " |",
            "| saturation with the monitor running at least 97% of it with the monitor stopped | mean of "
                + rate
                + " and "
                + on
                + " vs "
                + off
                + " documents/s: "
                + monitorShare
                + "% | "
                + met(monitorShare >= 97)
                + " |",
            "| a swap at half of saturation: worst 5-second-window p99 at most 1.5x the steady p99, nothing lost, no old"
                + " answer after the first new one | "
                + ratio
                + "x"
                + (control == null
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        " (%.2fx in the same run without a swap)",
                        control.getDouble("ratio")))
                + "; "
                + swap.getLong("lost")
                + " lost, "
                + swap.getLong("oldAfterNew")
                + " old answers after the new | "
                + met(swapMet)
                + " |",
            "",
            "## The limit: the model in process",
            "",
            "The exported model loaded with TensorFlow Java in a JVM with the inference service's settings,",
            "fed the corpus texts in batches, one call at a time; the limit is the best row.",
            "",
            LIMIT_HEADER,
            "| --- | --- | --- |"));
    for (JsonObject row : rows(limit)) {
      lines.add(limitRow(row));
    }
    lines.addAll(
        List.of(
            "",
            "## End to end",
            "",
            "Requests written to `maas.requests.spam` as a producer would (ingestedAt stamped at send),",
            "results read from `maas.results.spam`; latency runs from ingestedAt to the result observed",
            "by the benchmark's consumer (p99 done: to the result's completedAt, inside inference).",
            "Unmeasured runs go first (30,000 requests at saturation, 20 s of open loop at half of it) and",
            "each run starts with 5,000 unmeasured requests, so that every JVM has compiled the paths of",
            "the regime it is measured in: the report is about warm services. Saturation is a closed loop:",
            "requests go as fast as 1,024 unanswered ones allow, so the generator feeds at the rate results",
            "come back. Open-loop runs send at a fixed rate whatever the answers do. The last row is saturation",
            "with batching off. The generator (C1 only, serial GC) shares the cores with what it measures.",
            "The monitor's cost: saturation with monitor-service stopped, between the first saturation run and",
            "one with it started again (the monitor reads every result, shadow answer and dead letter).",
            "",
            "| run | results | documents/s | p50 ms | p95 ms | p99 ms | p99 done ms | mean batch | max batch |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"));
    for (JsonObject run : e2e) {
      lines.add(e2eRow(run));
    }
    lines.addAll(
        List.of(
            "",
            "## Charts",
            "",
            "Drawn by `bench charts` (XChart) from the runs above.",
            "",
            "Latency against load: the open-loop runs at their offered rate, the first saturation run at its",
            "throughput.",
            "",
            "![End-to-end latency percentiles against offered load](bench/latency.svg)",
            "",
            "Throughput by batch size: the model in process at each batch size, and the end-to-end saturation",
            "runs (batching on and off) at their mean batch.",
            "",
            "![Throughput by batch size, in process and end to end](bench/throughput.svg)",
            "",
            "The batches inference formed: the share of results computed in batches up to each size.",
            "",
            "![Cumulative distribution of batch sizes per run](bench/batches.svg)",
            "",
            "## A swap under load",
            "",
            "An open loop at half of saturation straight into `maas.requests.spam`; 15 s unmeasured, then 40 s",
            "measured, with `PUT /v1/models/spam/deployment` making v"
                + other
                + " production 20 s in (its cached copy in",
            "inference removed first, so the swap downloads, unpacks, loads and warms it up as a new version).",
            "Steady p99: the requests sent before the PUT. Windows: every 5 s of requests by send time, one",
            "starting each second. Worst: the worst window holding requests sent at or after the PUT, until the",
            "end of the run (its start is given from the PUT); the worst window before the PUT is what noise",
            "alone does to the same comparison. Old answers after the new: results from v"
                + version
                + " that completed after the",
            "first from v"
                + other
                + " (at-least-once may repeat results; the duplicates column counts them). Swap took:",
            "from the PUT until inference's `GET /v1/status` names v"
                + other
                + ". Production goes back to v"
                + version
                + " after",
            "the run, unmeasured. [DEPLOYING.md](DEPLOYING.md#swaps) says what a swap cost and why."));
    if (control != null) {
      lines.addAll(
          List.of(
              "The control, just before: the same stream and the same measurement with no PUT, its seconds counted",
              "from where the PUT would have been; its ratio is what noise alone gives on this machine."));
    }
    lines.addAll(
        List.of(
            "",
            "| run | results | lost | duplicates | old answers after the new | steady p99 ms | worst 5 s p99 ms (start from"
                + " the PUT) | worst / steady | worst 5 s p99 before the PUT ms | swap took ms |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"));
    if (control != null) {
      lines.add(swapRow(control));
    }
    lines.add(swapRow(swap));
    Path predict = runs.resolve(PREDICT);
    if (Files.isRegularFile(predict)) {
      JsonObject calls = new JsonObject(Files.readString(predict));
      lines.addAll(
          List.of(
              "",
              "## Synchronous calls: HTTP :predict and gRPC Predict",
              "",
              "TensorFlow Serving's two APIs side by side, one after the other in the same run: a closed loop of "
                  + calls.getInteger("concurrency")
                  + " calls in",
              "flight (each answer starts the next call), one corpus text per call, 10 s unmeasured then "
                  + String.format(Locale.ROOT, "%.0f", calls.getDouble("seconds"))
                  + " s measured.",
              "Both go through Kafka to inference and back (`maas.requests.spam`, `maas.results.spam`); latency runs",
              "from sending the call to its whole answer.",
              "",
              "| protocol | calls | texts/s | p50 ms | p95 ms | p99 ms | errors |",
              "| --- | --- | --- | --- | --- | --- | --- |"));
      calls.getJsonArray("rows").forEach(row -> lines.add(predictRow((JsonObject) row)));
    }
    return String.join("\n", lines) + "\n";
  }

  /** {@code bench predict}'s row for one protocol: what its {@code --json} rows hold. */
  static String predictRow(JsonObject row) {
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.0f | %d | %d | %d | %d |",
        row.getString("protocol"),
        row.getLong("calls"),
        row.getDouble("throughput"),
        row.getLong("p50"),
        row.getLong("p95"),
        row.getLong("p99"),
        row.getLong("errors"));
  }

  /** {@code bench limit}'s row for one batch size: {@code batch}, {@code documentsPerSecond}, {@code msPerBatch}. */
  static String limitRow(JsonObject row) {
    return String.format(
        Locale.ROOT,
        "| %d | %.0f | %.2f |",
        row.getInteger("batch"),
        row.getDouble("documentsPerSecond"),
        row.getDouble("msPerBatch"));
  }

  /** {@code bench e2e}'s row: what its {@code --json} holds. */
  static String e2eRow(JsonObject run) {
    return String.format(
        Locale.ROOT,
        "| %s | %d/%d | %.0f | %d | %d | %d | %d | %.1f | %d |",
        run.getString("label"),
        run.getLong("received"),
        run.getLong("expected"),
        run.getDouble("throughput"),
        run.getLong("p50"),
        run.getLong("p95"),
        run.getLong("p99"),
        run.getLong("p99Done"),
        run.getDouble("meanBatch"),
        run.getLong("maxBatch"));
  }

  /** {@code bench swap}'s row: what its {@code --json} holds. */
  static String swapRow(JsonObject swap) {
    long swapMillis = swap.getLong("swapMillis");
    return String.format(
        Locale.ROOT,
        "| %s | %d/%d | %d | %d | %d | %d | %d (%+.0f s) | %.2fx | %d | %s |",
        swap.getString("label"),
        swap.getLong("results"),
        swap.getLong("sent"),
        swap.getLong("lost"),
        swap.getLong("duplicates"),
        swap.getLong("oldAfterNew"),
        swap.getLong("steadyP99"),
        swap.getLong("worstWindowP99"),
        swap.getLong("worstWindowFromSwapMillis") / 1000.0,
        swap.getDouble("ratio"),
        swap.getLong("worstWindowBeforeSwapP99"),
        swap.getBoolean("control", false)
            ? "no swap"
            : swapMillis < 0 ? "?" : String.valueOf(swapMillis));
  }

  private static String met(boolean met) {
    return met ? "yes" : "no";
  }

  /** A rate as its row shows it, rounded to a whole number: the targets compare what the tables show. */
  private static long rounded(double value) {
    return Long.parseLong(String.format(Locale.ROOT, "%.0f", value));
  }

  private static List<JsonObject> rows(JsonObject limit) {
    JsonArray rows = limit.getJsonArray("rows");
    return rows.stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject read(Path runs, String name) throws IOException {
    Path file = runs.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "the runs in " + runs + " have no " + name + ": './maas bench' writes it");
    }
    return new JsonObject(Files.readString(file));
  }

  private static String required(Map<String, String> flags, String name) {
    String value = flags.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("bench report needs --" + name);
    }
    return value;
  }

  /** As {@code free -g} shows it: MemTotal in whole GiB, rounded down. */
  private static long totalMemoryGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024 * 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: the JVM's view of the machine below
    }
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize()
        >> 30;
  }

  /** As the first line of {@code java -version} gives it, for the JVM writing the report. */
  private static String runningJava() {
    String name =
        System.getProperty("java.runtime.name", "").contains("OpenJDK") ? "openjdk" : "java";
    String date = System.getProperty("java.version.date", "");
    return name
        + " version \""
        + System.getProperty("java.version")
        + "\""
        + (date.isEmpty() ? "" : " " + date);
  }
}
