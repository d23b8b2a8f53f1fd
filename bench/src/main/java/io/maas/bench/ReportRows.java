package io.maas.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table rows of docs/BENCHMARKS.md, one format per run, from what the run's {@code --json}
 * holds. The runs print the same rows as they finish, so the report and the terminal show the
 * same numbers.
 */
final class ReportRows {

  static final String LIMIT_HEADER = "| batch size | documents/s | ms per batch |";

  /** The header when the model was measured through both paths. */
  static final String LIMIT_BOTH_HEADER =
      "| batch size | documents/s, Java path | ms per batch | documents/s, graph path | ms per batch | Java / graph |";

  private ReportRows() {}

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
    JsonObject java = row.getJsonObject("java");
    JsonObject graph = row.getJsonObject("graph");
    if (java != null && graph != null) {
      return String.format(
          Locale.ROOT,
          "| %d | %.0f | %.2f | %.0f | %.2f | %.2f× |",
          row.getInteger("batch"),
          java.getDouble("documentsPerSecond"),
          java.getDouble("msPerBatch"),
          graph.getDouble("documentsPerSecond"),
          graph.getDouble("msPerBatch"),
          java.getDouble("documentsPerSecond") / graph.getDouble("documentsPerSecond"));
    }
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

  /**
   * The CPU per result of a run made with {@code --cpu}, by process, with the machine's busy share;
   * no lines for a run without it.
   */
  static List<String> cpuTable(JsonObject run) {
    JsonObject cpu = run.getJsonObject("cpu");
    if (cpu == null) {
      return List.of();
    }
    JsonObject perResult = cpu.getJsonObject("microsPerResult");
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add(
        String.format(
            Locale.ROOT,
            "CPU per result in the first saturation run, by process (user and system time from /proc; the"
                + " generator's from its own JVM)%s:",
            cpu.containsKey("busy")
                ? String.format(
                    Locale.ROOT,
                    "; the %d cores were %.0f%% busy",
                    cpu.getInteger("cores"),
                    100 * cpu.getDouble("busy"))
                : ""));
    lines.add("");
    lines.add("| process | CPU µs per result |");
    lines.add("| --- | --- |");
    for (String name : perResult.fieldNames()) {
      lines.add(String.format(Locale.ROOT, "| %s | %d |", name, perResult.getLong(name)));
    }
    long total = totalMicros(cpu);
    lines.add(String.format(Locale.ROOT, "| all | %d |", total));
    lines.add("");
    lines.add(
        String.format(
            Locale.ROOT,
            "At %d µs of CPU per result, %d cores allow at most %,d results/s end to end, whatever the"
                + " model's in-process limit (measured on a core of its own).",
            total,
            cpu.getInteger("cores"),
            cpuCeiling(run)));
    return lines;
  }

  /** Results per second that the run's cores allow at its CPU per result; 0 without a measure. */
  static long cpuCeiling(JsonObject run) {
    JsonObject cpu = run.getJsonObject("cpu");
    long total = cpu == null ? 0 : totalMicros(cpu);
    return total <= 0 ? 0 : Math.round(cpu.getInteger("cores") * 1_000_000.0 / total);
  }

  private static long totalMicros(JsonObject cpu) {
    JsonObject perResult = cpu.getJsonObject("microsPerResult");
    return perResult.fieldNames().stream().mapToLong(perResult::getLong).sum();
  }
}
