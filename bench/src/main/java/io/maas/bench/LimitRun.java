package io.maas.bench;

import io.maas.model.LoadedModel;
import io.maas.model.ModelArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench limit}: the model alone, in this JVM, at batch sizes 1 to 512, one call at a time
 * on the corpus texts; the best row is the in-process limit the end-to-end runs are held against.
 * Each batch size runs through the graph ({@code serving_default}) and, for a model with a Java
 * path, through the Java featurizer and the features signature; the row's
 * {@code documentsPerSecond} is the path the inference service takes by default (Java where the
 * model allows it), {@code graph} and {@code java} hold each path's numbers.
 */
final class LimitRun {

  private LimitRun() {}

  static void limit(
      Path archive, List<String> texts, double seconds, int intraOp, int interOp, Path json)
      throws Exception {
    Path dir = Files.createTempDirectory("maas-bench-");
    ModelArchive.unpack(archive, dir, ModelArchive.Limits.defaults());
    io.vertx.core.json.JsonArray rows = new io.vertx.core.json.JsonArray();
    try (LoadedModel model = LoadedModel.load(dir, intraOp, interOp, false)) {
      boolean java = model.graphOnly() == null;
      System.out.println(java ? ReportRows.LIMIT_BOTH_HEADER : ReportRows.LIMIT_HEADER);
      System.out.println(java ? "| --- | --- | --- | --- | --- | --- |" : "| --- | --- | --- |");
      for (int batch = 1; batch <= 512; batch *= 2) {
        model.preprocessInJava(false);
        io.vertx.core.json.JsonObject graph = measure(model, texts, batch, seconds);
        io.vertx.core.json.JsonObject row =
            new io.vertx.core.json.JsonObject().put("batch", batch).put("graph", graph);
        io.vertx.core.json.JsonObject served = graph;
        if (java) {
          model.preprocessInJava(true);
          served = measure(model, texts, batch, seconds);
          row.put("java", served);
        }
        row.put("documentsPerSecond", served.getDouble("documentsPerSecond"))
            .put("msPerBatch", served.getDouble("msPerBatch"));
        System.out.println(ReportRows.limitRow(row));
        rows.add(row);
      }
    }
    if (json != null) {
      Files.writeString(
          json, new io.vertx.core.json.JsonObject().put("rows", rows).encodePrettily());
    }
  }

  private static io.vertx.core.json.JsonObject measure(
      LoadedModel model, List<String> texts, int batch, double seconds) {
    run(model, texts, batch, 0.5);
    double[] measured = run(model, texts, batch, seconds);
    return new io.vertx.core.json.JsonObject()
        .put("documentsPerSecond", measured[0])
        .put("msPerBatch", measured[1]);
  }

  /** Documents per second and milliseconds per batch, over {@code seconds}. */
  private static double[] run(LoadedModel model, List<String> texts, int batch, double seconds) {
    long started = System.nanoTime();
    long deadline = started + (long) (seconds * 1e9);
    long docs = 0;
    long batches = 0;
    int offset = 0;
    while (System.nanoTime() < deadline) {
      List<String> slice = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        slice.add(texts.get((offset + i) % texts.size()));
      }
      offset += batch;
      model.predict(slice);
      docs += batch;
      batches++;
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    return new double[] {docs / elapsed, elapsed * 1000 / batches};
  }
}
