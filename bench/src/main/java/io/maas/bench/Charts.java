package io.maas.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The benchmark report's charts, from the JSON the runs of one {@code ./maas bench} wrote
 * ({@code limit.json}, one {@code e2e-*.json} per end-to-end run): latency percentiles against
 * offered load, throughput by batch size in process and end to end, and the batch sizes inference
 * formed. SVG, drawn by XChart, for docs/BENCHMARKS.md to link.
 */
final class Charts {

  private static final int WIDTH = 720;
  private static final int HEIGHT = 460;

  private Charts() {}

  static void write(Path runs, Path out) throws IOException {
    Files.createDirectories(out);
    JsonObject limit = new JsonObject(Files.readString(runs.resolve("limit.json")));
    List<JsonObject> e2e = new ArrayList<>();
    try (Stream<Path> files = Files.list(runs)) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().matches("e2e-.*\\.json"))
              .sorted()
              .toList()) {
        e2e.add(new JsonObject(Files.readString(file)));
      }
    }
    latency(e2e, out.resolve("latency.svg"));
    throughput(limit, e2e, out.resolve("throughput.svg"));
    batches(e2e, out.resolve("batches.svg"));
  }

  /** p50, p95, p99 of the open-loop runs by their offered rate, the closed-loop saturation run at its throughput. */
  private static void latency(List<JsonObject> runs, Path file) throws IOException {
    List<JsonObject> points =
        runs.stream()
            .filter(r -> r.getBoolean("batching", true))
            .filter(
                r -> r.getDouble("offered", 0.0) > 0 || "saturation".equals(r.getString("kind")))
            .sorted(Comparator.comparingDouble(Charts::load))
            .toList();
    XYChart chart =
        chart(
            "End-to-end latency against load",
            "requests per second (offered; saturation: achieved)",
            "latency, ms (log)");
    chart.getStyler().setYAxisLogarithmic(true);
    double[] x = points.stream().mapToDouble(Charts::load).toArray();
    for (String p : List.of("p50", "p95", "p99")) {
      chart.addSeries(
          p, x, points.stream().mapToDouble(r -> Math.max(1, r.getDouble(p))).toArray());
    }
    save(chart, file);
  }

  private static double load(JsonObject run) {
    double offered = run.getDouble("offered", 0.0);
    return offered > 0 ? offered : run.getDouble("throughput");
  }

  /** The model in process by batch size, and the end-to-end saturation runs at their mean batch. */
  private static void throughput(JsonObject limit, List<JsonObject> runs, Path file)
      throws IOException {
    XYChart chart = chart("Throughput by batch size", "batch size (log)", "documents per second");
    chart.getStyler().setXAxisLogarithmic(true);
    JsonArray rows = limit.getJsonArray("rows");
    chart.addSeries(
        "model in process",
        rows.stream().map(JsonObject.class::cast).mapToDouble(r -> r.getInteger("batch")).toArray(),
        rows.stream()
            .map(JsonObject.class::cast)
            .mapToDouble(r -> r.getDouble("documentsPerSecond"))
            .toArray());
    List<JsonObject> saturation =
        runs.stream()
            .filter(r -> "saturation".equals(r.getString("kind")))
            .sorted(Comparator.comparingDouble(r -> r.getDouble("meanBatch")))
            .toList();
    if (!saturation.isEmpty()) {
      XYSeries e2e =
          chart.addSeries(
              "end to end at saturation (mean batch)",
              saturation.stream().mapToDouble(r -> Math.max(1, r.getDouble("meanBatch"))).toArray(),
              saturation.stream().mapToDouble(r -> r.getDouble("throughput")).toArray());
      e2e.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      e2e.setMarker(SeriesMarkers.DIAMOND);
    }
    save(chart, file);
  }

  /**
   * The share of results computed in batches of at most a size (the cumulative distribution), one
   * line per batching run: a line that rises late means full batches.
   */
  private static void batches(List<JsonObject> runs, Path file) throws IOException {
    XYChart chart =
        chart(
            "Batch sizes inference formed",
            "batch size",
            "share of results in batches up to this size");
    for (JsonObject run : runs) {
      if (!run.getBoolean("batching", true)) {
        continue;
      }
      JsonObject sizes = run.getJsonObject("batchSizes");
      double total = sizes.stream().mapToDouble(e -> ((Number) e.getValue()).doubleValue()).sum();
      List<Integer> keys = sizes.fieldNames().stream().map(Integer::parseInt).sorted().toList();
      if (keys.isEmpty()) {
        continue;
      }
      double[] cumulative = new double[keys.size()];
      double sum = 0;
      for (int i = 0; i < keys.size(); i++) {
        sum += sizes.getInteger(String.valueOf(keys.get(i)));
        cumulative[i] = sum / total;
      }
      chart
          .addSeries(
              run.getString("label"),
              keys.stream().mapToDouble(Integer::doubleValue).toArray(),
              cumulative)
          .setMarker(SeriesMarkers.NONE);
    }
    save(chart, file);
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(x)
            .yAxisTitle(y)
            .build();
    Styler styler = chart.getStyler();
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setPlotGridLinesStroke(new BasicStroke(0.5f));
    return chart;
  }

  private static void save(XYChart chart, Path file) throws IOException {
    String name = file.getFileName().toString();
    VectorGraphicsEncoder.saveVectorGraphic(
        chart,
        file.resolveSibling(name.substring(0, name.length() - 4)).toString(),
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
  }
}
