package io.maas.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * docs/BENCHMARKS.md, written from the JSON the runs of one {@code ./maas bench} left in its runs
 * folder: the setting ({@link ReportSetting}), the targets and whether each was met
 * ({@link ReportTargets}), the in-process limit, the end-to-end runs, the charts and the swap. The
 * table rows are the ones the runs print ({@link ReportRows}), so the report and the terminal show
 * the same numbers.
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

  /** Saturation with inference serving through the graph (MAAS_INFERENCE_PREPROCESSING=graph), when run. */
  static final String GRAPH_PATH = "e2e-6-graph.json";

  static final String SWAP = "swap.json";

  /** The same stream without the PUT, when the run has it: the swap's ratio beside what noise alone gives. */
  static final String SWAP_CONTROL = "swap-control.json";

  static final String PREDICT = "predict.json";

  private static final List<String> CHARTS =
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
          "![Cumulative distribution of batch sizes per run](bench/batches.svg)");

  private Report() {}

  static void write(Path runs, Path out, ReportSetting setting) throws IOException {
    Files.writeString(out, render(runs, setting));
  }

  static String render(Path runs, ReportSetting setting) throws IOException {
    JsonObject limit = read(runs, LIMIT);
    JsonObject saturation = read(runs, SATURATION);
    JsonObject unmonitored = read(runs, MONITOR_STOPPED);
    JsonObject monitored = read(runs, MONITOR_RUNNING);
    JsonObject half = read(runs, OPEN_50);
    List<JsonObject> e2e =
        new ArrayList<>(
            List.of(
                saturation,
                unmonitored,
                monitored,
                read(runs, OPEN_75),
                half,
                read(runs, OPEN_25),
                read(runs, UNBATCHED)));
    JsonObject graphPath =
        Files.isRegularFile(runs.resolve(GRAPH_PATH)) ? read(runs, GRAPH_PATH) : null;
    if (graphPath != null) {
      e2e.add(graphPath);
    }
    JsonObject swap = read(runs, SWAP);
    JsonObject control =
        Files.isRegularFile(runs.resolve(SWAP_CONTROL)) ? read(runs, SWAP_CONTROL) : null;

    List<String> lines = new ArrayList<>(introduction(setting));
    lines.add("");
    lines.addAll(
        ReportTargets.section(
            limit, saturation, unmonitored, monitored, half, swap, control, graphPath));
    lines.addAll(limit(limit));
    lines.addAll(endToEnd(e2e, graphPath != null));
    lines.addAll(CHARTS);
    lines.addAll(swap(swap, control, setting.modelVersion()));
    Path predict = runs.resolve(PREDICT);
    if (Files.isRegularFile(predict)) {
      lines.addAll(predict(new JsonObject(Files.readString(predict))));
    }
    return String.join("\n", lines) + "\n";
  }

  private static List<String> introduction(ReportSetting s) {
    return List.of(
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
            + s.modelVersion()
            + " (the trainer's defaults). Texts: the SpamAssassin",
        "messages as they are (whole messages with headers, 4.8 KB on average; the model reads at most",
        "20,000 characters), in one seeded random order. Inference: one instance, TensorFlow "
            + s.intraOp()
            + " intra-op",
        "thread and inter-op "
            + s.interOp()
            + " (-1: ops run on the calling thread), batches of up to",
        s.batchSize() + " waiting at most " + s.batchWaitMs() + " ms, at-least-once delivery.",
        "Shared machines are noisy: compare runs of one day.");
  }

  private static List<String> limit(JsonObject limit) {
    boolean both =
        !limit.getJsonArray("rows").isEmpty()
            && limit.getJsonArray("rows").getJsonObject(0).containsKey("java");
    List<String> lines =
        new ArrayList<>(
            List.of(
                "",
                "## The limit: the model in process",
                "",
                "The exported model loaded with TensorFlow Java in a JVM with the inference service's settings,",
                "fed the corpus texts in batches, one call at a time; the limit is the best row."));
    if (both) {
      lines.addAll(
          List.of(
              "Each batch size ran through the Java path (the Java featurizer and the features signature,",
              "which the inference service serves by default) and through the graph path (serving_default,",
              "the preprocessing in TensorFlow's string ops); the limit is the Java path's.",
              "",
              ReportRows.LIMIT_BOTH_HEADER,
              "| --- | --- | --- | --- | --- | --- |"));
    } else {
      lines.addAll(List.of("", ReportRows.LIMIT_HEADER, "| --- | --- | --- |"));
    }
    limit.getJsonArray("rows").forEach(row -> lines.add(ReportRows.limitRow((JsonObject) row)));
    return lines;
  }

  private static List<String> endToEnd(List<JsonObject> e2e, boolean graphPath) {
    List<String> lines =
        new ArrayList<>(
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
    if (graphPath) {
      lines.add(
          lines.size() - 3,
          "The row after batching off: saturation with inference restarted with MAAS_INFERENCE_PREPROCESSING=graph\n"
              + "(the preprocessing in TensorFlow's string ops instead of the Java featurizer; 30,000 requests\n"
              + "unmeasured first).");
    }
    e2e.forEach(run -> lines.add(ReportRows.e2eRow(run)));
    lines.addAll(ReportRows.cpuTable(e2e.get(0)));
    return lines;
  }

  /** The swap's section; {@code control} is the same run without the PUT, or {@code null}. */
  private static List<String> swap(JsonObject swap, JsonObject control, String version) {
    String other = String.valueOf(swap.getValue("to"));
    List<String> lines =
        new ArrayList<>(
            List.of(
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
                "the run, unmeasured. Before it, one unmeasured swap to v"
                    + other
                    + " and back: the first swap after inference starts",
                "also compiles the load path. [DEPLOYING.md](DEPLOYING.md#swaps) says what a swap cost and why."));
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
      lines.add(ReportRows.swapRow(control));
    }
    lines.add(ReportRows.swapRow(swap));
    return lines;
  }

  private static List<String> predict(JsonObject calls) {
    List<String> lines =
        new ArrayList<>(
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
    calls.getJsonArray("rows").forEach(row -> lines.add(ReportRows.predictRow((JsonObject) row)));
    return lines;
  }

  private static JsonObject read(Path runs, String name) throws IOException {
    Path file = runs.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "the runs in " + runs + " have no " + name + ": './maas bench' writes it");
    }
    return new JsonObject(Files.readString(file));
  }
}
