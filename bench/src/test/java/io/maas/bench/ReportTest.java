package io.maas.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of one real {@code ./maas bench} (its runs under {@code src/test/resources/runs}, the
 * BENCHMARKS.md the launcher wrote from them next to it), and the verdicts on numbers either side
 * of each target.
 */
class ReportTest {

  private static final ReportSetting SETTING =
      new ReportSetting(
          LocalDate.of(2026, 11, 29),
          2,
          23,
          "openjdk version \"17.0.15\" 2025-04-15",
          "768m",
          "1g",
          "384m",
          "1",
          "-1",
          "64",
          "5",
          "2");

  @TempDir Path runs;

  @BeforeEach
  void copyRuns() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(resource("runs"))) {
      for (Path file : files.toList()) {
        Files.copy(file, runs.resolve(file.getFileName()));
      }
    }
  }

  @Test
  void writesTheDocumentTheLauncherWroteFromTheSameRuns() throws Exception {
    Path out = runs.resolve("BENCHMARKS.md");

    Report.write(runs, out, SETTING);

    assertThat(out).hasContent(Files.readString(resource("BENCHMARKS.md")));
  }

  @Test
  void targetsMissedByTheSampleRunsAreMetByBetterNumbers() throws IOException {
    edit(Report.SATURATION, run -> run.put("throughput", 2738.4)); // 2738 of 3912: 70%
    edit(Report.OPEN_50, run -> run.put("p99", 49));
    edit(Report.SWAP, swap -> swap.put("ratio", 1.504)); // shown as 1.50x

    List<String> targets = targets();

    assertThat(targets)
        .containsExactly(
            "| saturated end-to-end throughput at least 70% of the in-process limit | 2738 of 3912 documents/s: 70% | yes |",
            "| p99 latency at half of saturation under 50 ms | 49 ms | yes |",
            "| saturation with the monitor running at least 97% of it with the monitor stopped | mean of 2738 and 2598 vs 2399"
                + " documents/s: 111% | yes |",
            "| a swap at half of saturation: worst 5-second-window p99 at most 1.5x the steady p99, nothing lost, no old answer"
                + " after the first new one | 1.50x; 0 lost, 0 old answers after the new | yes |");
  }

  @Test
  void targetsJustMissedAreNotMet() throws IOException {
    edit(Report.OPEN_50, run -> run.put("p99", 50));
    edit(
        Report.MONITOR_RUNNING,
        run -> run.put("throughput", 2405.0)); // (2224 + 2405) / 2 / 2399: 96.48%
    edit(Report.SWAP, swap -> swap.put("ratio", 1.2).put("lost", 1));

    List<String> targets = targets();

    assertThat(targets.get(1)).endsWith("| 50 ms | no |");
    assertThat(targets.get(2)).endsWith("| mean of 2224 and 2405 vs 2399 documents/s: 96% | no |");
    assertThat(targets.get(3)).endsWith("| 1.20x; 1 lost, 0 old answers after the new | no |");
  }

  @Test
  void theCpuPerResultAndTheCeilingItSetsFollowWhenTheRunMeasuredThem() throws IOException {
    edit(
        Report.SATURATION,
        run ->
            run.put(
                "cpu",
                new JsonObject()
                    .put(
                        "microsPerResult",
                        new JsonObject()
                            .put("kafka", 210)
                            .put("inference-service", 360)
                            .put("monitor-service", 30)
                            .put("generator", 200))
                    .put("cores", 2)
                    .put("busy", 0.904)));

    String report = Report.render(runs, SETTING);

    assertThat(report)
        .contains(
            "CPU per result in the first saturation run, by process (user and system time from /proc; the"
                + " generator's from its own JVM); the 2 cores were 90% busy:")
        .contains(
            "| kafka | 210 |\n| inference-service | 360 |\n| monitor-service | 30 |\n| generator | 200 |\n"
                + "| all | 800 |\n")
        .contains("At 800 µs of CPU per result, 2 cores allow at most 2,500 results/s end to end");
    assertThat(targets().get(0))
        .endsWith(
            "% (the CPU that every process spent per result caps these 2 cores at 2,500/s) | no |");
  }

  @Test
  void procStatTimesAreReadPastANameWithSpacesAndParentheses() {
    String stat =
        "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 56 0 0 20 0 40 0 99 1 2";

    assertThat(ProcessCpu.ticks(stat)).isEqualTo(1234 + 56);
    assertThat(ProcessCpu.processNanos(ProcessHandle.current().pid())).isPositive();
    assertThat(ProcessCpu.processNanos(Long.MAX_VALUE)).isEqualTo(-1);
  }

  @Test
  void anOldAnswerAfterTheNewFailsTheSwap() throws IOException {
    edit(Report.SWAP, swap -> swap.put("ratio", 1.1).put("oldAfterNew", 3));

    assertThat(targets().get(3)).endsWith("| 1.10x; 0 lost, 3 old answers after the new | no |");
  }

  @Test
  void aSwapThatNeverServedShowsAQuestionMark() throws IOException {
    edit(Report.SWAP, swap -> swap.put("swapMillis", -1));

    assertThat(Report.render(runs, SETTING)).endsWith("| 2.41x | 321 | ? |\n");
  }

  @Test
  void theSynchronousCallsFollowWhenTheRunHasThem() throws IOException {
    Files.writeString(
        runs.resolve(Report.PREDICT),
        new JsonObject()
            .put("concurrency", 32)
            .put("seconds", 20.0)
            .put(
                "rows",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("protocol", "HTTP :predict")
                            .put("calls", 2063)
                            .put("throughput", 102.4)
                            .put("p50", 290)
                            .put("p95", 593)
                            .put("p99", 749)
                            .put("errors", 0))
                    .add(
                        new JsonObject()
                            .put("protocol", "gRPC Predict")
                            .put("calls", 2363)
                            .put("throughput", 117.6)
                            .put("p50", 258)
                            .put("p95", 462)
                            .put("p99", 565)
                            .put("errors", 0)))
            .encode());

    String report = Report.render(runs, SETTING);

    assertThat(report)
        .contains("## Synchronous calls: HTTP :predict and gRPC Predict")
        .endsWith(
            "| HTTP :predict | 2063 | 102 | 290 | 593 | 749 | 0 |\n| gRPC Predict | 2363 | 118 | 258 | 462 | 565 | 0 |\n");
  }

  @Test
  void theControlWithoutASwapIsShownBesideTheSwap() throws IOException {
    JsonObject swap = new JsonObject(Files.readString(runs.resolve(Report.SWAP)));
    Files.writeString(
        runs.resolve(Report.SWAP_CONTROL),
        swap.copy()
            .put("label", "no swap, 1112/s")
            .put("control", true)
            .put("swapMillis", -1)
            .put("ratio", 1.234)
            .encode());

    String report = Report.render(runs, SETTING);

    assertThat(targets().get(3))
        .contains(
            "| "
                + String.format(java.util.Locale.ROOT, "%.2f", swap.getDouble("ratio"))
                + "x (1.23x in the same run without a swap); 0 lost");
    assertThat(report)
        .contains("its ratio is what noise alone gives on this machine.")
        .containsSubsequence(
            "| no swap, 1112/s |", "| 1.23x |", "| no swap |\n| " + swap.getString("label") + " |");
  }

  @Test
  void theJavaAndGraphPathsAreComparedWhenTheRunMeasuredBoth() throws IOException {
    // each batch size through both paths, the Java one 2.4x to 3.0x faster
    edit(
        Report.LIMIT,
        limit -> {
          double ratio = 2.4;
          for (Object item : limit.getJsonArray("rows")) {
            JsonObject row = (JsonObject) item;
            double graph = row.getDouble("documentsPerSecond");
            double java = graph * ratio;
            ratio = Math.min(3.0, ratio + 0.1);
            row.put(
                    "graph",
                    new JsonObject().put("documentsPerSecond", graph).put("msPerBatch", 1.0))
                .put(
                    "java", new JsonObject().put("documentsPerSecond", java).put("msPerBatch", 0.5))
                .put("documentsPerSecond", java);
          }
        });
    JsonObject saturation = new JsonObject(Files.readString(runs.resolve(Report.SATURATION)));
    Files.writeString(
        runs.resolve(Report.GRAPH_PATH),
        saturation
            .copy()
            .put("label", "saturation, graph path")
            .put("throughput", saturation.getDouble("throughput") / 1.9)
            .encode());

    String report = Report.render(runs, SETTING);

    List<String> targets = targets();
    assertThat(targets).hasSize(6);
    assertThat(targets.get(4))
        .isEqualTo(
            "| in process, the Java path at least 2.5x the graph path at every batch size from 1 to 512 | 2.40x to 3.00x | no |");
    assertThat(targets.get(5))
        .startsWith("| end to end at saturation, the Java path at least 1.8x the graph path | ")
        .endsWith(": 1.90x | yes |");
    assertThat(report)
        .contains(ReportRows.LIMIT_BOTH_HEADER)
        .contains("| 1 | 4484 | 0.50 | 1868 | 1.00 | 2.40× |")
        .contains("MAAS_INFERENCE_PREPROCESSING=graph")
        .contains("| saturation, graph path |");
  }

  @Test
  void aMissingRunIsNamed() throws IOException {
    Files.delete(runs.resolve(Report.MONITOR_STOPPED));

    assertThatThrownBy(() -> Report.render(runs, SETTING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("monitor-stopped.json");
  }

  @Test
  void theMachineComesFromThisJvmAndTheSettingsFromTheFlags() {
    ReportSetting setting =
        ReportSetting.of(
            Map.of(
                "model-version",
                "7",
                "kafka-heap",
                "768m",
                "inference-heap",
                "1g",
                "ingest-heap",
                "384m",
                "batch-size",
                "1"));

    assertThat(setting.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(setting.memoryGib()).isPositive();
    assertThat(setting.java()).contains("version \"" + System.getProperty("java.version") + "\"");
    assertThat(setting.batchSize()).isEqualTo("1");
    assertThat(setting.batchWaitMs()).isEqualTo("5");
    assertThatThrownBy(
            () ->
                ReportSetting.of(
                    Map.of("kafka-heap", "768m", "inference-heap", "1g", "ingest-heap", "384m")))
        .hasMessageContaining("--model-version");
  }

  private List<String> targets() throws IOException {
    String report = Report.render(runs, SETTING);
    String section =
        report.substring(
            report.indexOf("| --- | --- | --- |\n") + "| --- | --- | --- |\n".length());
    return section.lines().takeWhile(line -> line.startsWith("| ")).toList();
  }

  private void edit(String run, Consumer<JsonObject> change) throws IOException {
    Path file = runs.resolve(run);
    JsonObject json = new JsonObject(Files.readString(file));
    change.accept(json);
    Files.writeString(file, json.encodePrettily());
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ReportTest.class.getResource("/" + name).toURI());
  }
}
