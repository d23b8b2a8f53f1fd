package io.maas.bench;

import io.maas.common.event.InferenceResult;
import io.maas.common.kafka.KafkaClients;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * {@code bench e2e}: requests written to {@code maas.requests.<model>} as a producer would, results
 * read from {@code maas.results.<model>}; throughput, latency from ingestedAt to the result
 * observed (and to completedAt) and the batch sizes inference formed. A closed loop with
 * {@code --count} (at most {@code --window} requests unanswered), an open loop with {@code --rate};
 * a warm-up of unmeasured requests goes first. With {@code --cpu name=pid,...}, the CPU time each
 * of those processes and the generator spent per result ({@link ProcessCpu}).
 */
final class EndToEndRun {

  private EndToEndRun() {}

  static void run(Map<String, String> flags, List<String> texts) throws Exception {
    String model = flags.getOrDefault("model", "spam");
    KafkaClients clients = BenchKafka.clients(flags.get("kafka"));
    BenchRequests requests = new BenchRequests(model, texts);
    try (KafkaConsumer<String, byte[]> consumer = BenchKafka.resultsFromNow(clients, model);
        KafkaProducer<String, byte[]> producer = BenchKafka.requestsProducer(clients)) {

      // Warm-up, not measured: both JVMs compile their hot paths before the clock starts.
      int warmup = Integer.parseInt(flags.getOrDefault("warmup", "5000"));
      String warmupPrefix = "warmup-" + System.currentTimeMillis() + "-";
      int window = Integer.parseInt(flags.getOrDefault("window", "1024"));
      Semaphore warmingWindow = new Semaphore(window);
      Thread warming = sender(producer, requests, warmupPrefix, warmup, 0, warmingWindow);
      warming.start();
      collect(consumer, warmupPrefix, warmup, result -> warmingWindow.release());
      warming.join();

      String prefix = "bench-" + System.currentTimeMillis() + "-";
      int expected =
          flags.containsKey("count")
              ? Integer.parseInt(flags.get("count"))
              : (int)
                  (Double.parseDouble(flags.get("rate"))
                      * Double.parseDouble(flags.get("seconds")));
      double rate = flags.containsKey("count") ? 0 : Double.parseDouble(flags.get("rate"));
      List<Long> latencies = new ArrayList<>(expected);
      List<Long> inService = new ArrayList<>(expected);
      Map<Integer, Integer> batchSizes = new TreeMap<>();
      ProcessCpu cpu = flags.containsKey("cpu") ? ProcessCpu.start(flags.get("cpu")) : null;
      long firstSend = System.currentTimeMillis();
      long[] lastResult = {firstSend};
      Semaphore outstanding = rate > 0 ? null : new Semaphore(window);
      Thread sending = sender(producer, requests, prefix, expected, rate, outstanding);
      sending.start();
      int received =
          collect(
              consumer,
              prefix,
              expected,
              result -> {
                if (outstanding != null) {
                  outstanding.release();
                }
                long observed = System.currentTimeMillis();
                latencies.add(observed - result.ingestedAt());
                inService.add(result.completedAt() - result.ingestedAt());
                batchSizes.merge(result.batchSize(), 1, Integer::sum);
                lastResult[0] = observed;
              });
      sending.join();
      JsonObject cpuUsed = cpu == null ? null : cpu.stop(received);
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] completed = inService.stream().mapToLong(Long::longValue).sorted().toArray();
      double seconds = (lastResult[0] - firstSend) / 1000.0;
      double meanBatch =
          batchSizes.entrySet().stream().mapToDouble(e -> (double) e.getKey() * e.getValue()).sum()
              / received;
      int maxBatch = batchSizes.isEmpty() ? 0 : ((TreeMap<Integer, Integer>) batchSizes).lastKey();
      JsonObject sizes = new JsonObject();
      batchSizes.forEach((size, n) -> sizes.put(String.valueOf(size), n));
      JsonObject json =
          new JsonObject()
              .put("label", flags.get("label"))
              .put("kind", rate > 0 ? "open-loop" : "saturation")
              .put("offered", rate)
              .put("batching", maxBatch > 1)
              .put("received", received)
              .put("expected", expected)
              .put("throughput", received / seconds)
              .put("p50", Percentiles.of(sorted, 50))
              .put("p95", Percentiles.of(sorted, 95))
              .put("p99", Percentiles.of(sorted, 99))
              .put("p99Done", Percentiles.of(completed, 99))
              .put("meanBatch", meanBatch)
              .put("maxBatch", maxBatch)
              .put("batchSizes", sizes);
      if (cpuUsed != null) {
        json.put("cpu", cpuUsed);
      }
      System.out.println(ReportRows.e2eRow(json));
      if (flags.containsKey("json")) {
        Files.writeString(Path.of(flags.get("json")), json.encodePrettily());
      }
    }
  }

  /**
   * A thread sending {@code count} requests: at a fixed rate per second, or ({@code rate} 0) as
   * fast as {@code window} allows, one permit per request, given back as its result arrives.
   */
  private static Thread sender(
      KafkaProducer<String, byte[]> producer,
      BenchRequests requests,
      String prefix,
      int count,
      double rate,
      Semaphore window) {
    return new Thread(
        () -> {
          long start = System.nanoTime();
          for (int i = 0; i < count; i++) {
            if (window != null) {
              window.acquireUninterruptibly();
            }
            if (rate > 0) {
              long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
              if (wait > 0) {
                LockSupport.parkNanos(wait);
              }
            }
            requests.send(producer, i, prefix + i);
          }
          producer.flush();
        },
        "bench-sender");
  }

  /** Reads results until {@code expected} with ids starting with {@code prefix} came, or 5 minutes passed. */
  private static int collect(
      KafkaConsumer<String, byte[]> consumer,
      String prefix,
      int expected,
      Consumer<InferenceResult> each) {
    int received = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (received < expected && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        if (record.key() != null && record.key().startsWith(prefix)) {
          each.accept(InferenceResult.decode(record.value()));
          received++;
        }
      }
    }
    return received;
  }
}
