package io.maas.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The targets section of docs/BENCHMARKS.md: each target the platform is held to, what the runs
 * measured against it and whether it was met. Rates count as their table rows show them.
 */
final class ReportTargets {

  private ReportTargets() {}

  /**
   * The section's lines, from the runs of {@link Report}'s files: the limit, the first saturation,
   * saturation with the monitor stopped and running again, the open loop at half of saturation,
   * the swap and, when the run has them, its control and the saturation run through the graph path
   * ({@code null} otherwise).
   */
  static List<String> section(
      JsonObject limit,
      JsonObject saturation,
      JsonObject unmonitored,
      JsonObject monitored,
      JsonObject half,
      JsonObject swap,
      JsonObject control,
      JsonObject graphPath) {
    long best = 0;
    for (Object row : limit.getJsonArray("rows")) {
      best = Math.max(best, rounded(((JsonObject) row).getDouble("documentsPerSecond")));
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
    List<String> lines = new ArrayList<>();
    lines.addAll(
        List.of(
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
                + "%"
                + ceiling(saturation)
                + " | "
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
                + " |"));
    lines.addAll(fastPath(limit, rate, graphPath));
    return lines;
  }

  /** What the measured CPU per result allows on this machine's cores, when the run measured it. */
  private static String ceiling(JsonObject saturation) {
    long perSecond = ReportRows.cpuCeiling(saturation);
    return perSecond <= 0
        ? ""
        : String.format(
            Locale.ROOT,
            " (the CPU that every process spent per result caps these %d cores at %,d/s)",
            saturation.getJsonObject("cpu").getInteger("cores"),
            perSecond);
  }

  /** The fast path's rows (issue #14), when the limit ran both paths. */
  private static List<String> fastPath(JsonObject limit, long rate, JsonObject graphPath) {
    double lowest = Double.POSITIVE_INFINITY;
    double highest = 0;
    for (Object item : limit.getJsonArray("rows")) {
      JsonObject row = (JsonObject) item;
      if (!row.containsKey("java")) {
        return List.of();
      }
      double ratio =
          row.getJsonObject("java").getDouble("documentsPerSecond")
              / row.getJsonObject("graph").getDouble("documentsPerSecond");
      lowest = Math.min(lowest, ratio);
      highest = Math.max(highest, ratio);
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "| in process, the Java path at least 2.5x the graph path at every batch size from 1 to 512 | %.2fx to %.2fx | %s |",
            lowest,
            highest,
            met(lowest >= 2.5)));
    if (graphPath != null) {
      long graph = rounded(graphPath.getDouble("throughput"));
      double ratio = (double) rate / graph;
      lines.add(
          String.format(
              Locale.ROOT,
              "| end to end at saturation, the Java path at least 1.8x the graph path | %d vs %d documents/s: %.2fx | %s |",
              rate,
              graph,
              ratio,
              met(ratio >= 1.8)));
    }
    return lines;
  }

  private static String met(boolean met) {
    return met ? "yes" : "no";
  }

  /** A rate as its row shows it, rounded to a whole number: the targets compare what the tables show. */
  private static long rounded(double value) {
    return Long.parseLong(String.format(Locale.ROOT, "%.0f", value));
  }
}
