package io.maas.bench;

import io.maas.common.event.InferenceResult;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.trainer.data.Example;
import io.maas.trainer.data.SpamAssassinCorpus;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The benchmarks behind {@code ./maas bench}; each prints Markdown for docs/BENCHMARKS.md.
 *
 * <pre>
 * bench limit --model MODEL.tar.gz --corpus DIR [--seconds 3] [--intra-op 1] [--inter-op 1]
 *     in-process model throughput at batch sizes 1 to 512, with the service's TensorFlow threads
 * bench e2e --kafka HOST:PORT --corpus DIR --label NAME (--count N | --rate R --seconds T) [--model spam]
 *           [--warmup 5000] [--window 1024]
 *     --count: closed loop, at most --window requests unanswered; --rate: open loop
 *     writes requests to maas.requests.MODEL as a producer would and reads maas.results.MODEL:
 *     throughput, latency from ingestedAt to the result observed (and to completedAt), batch
 *     sizes; a warm-up of unmeasured requests goes first
 * bench limit ... --json FILE, bench e2e ... --json FILE
 *     also write the run's numbers as JSON, for the charts
 * bench charts --runs DIR --out DIR
 *     latency.svg, throughput.svg, batches.svg from the limit.json and e2e-*.json in --runs
 * bench report --runs DIR --out FILE --model-version V --kafka-heap H --inference-heap H --ingest-heap H
 *              [--intra-op 1] [--inter-op -1] [--batch-size 64] [--batch-wait-ms 5]
 *     docs/BENCHMARKS.md from the JSON of every run in --runs (Report); the machine's cores,
 *     memory and Java are this JVM's
 * bench swap --kafka HOST:PORT --corpus DIR --registry URL --to VERSION --rate R [--seconds 60]
 *            [--warmup-seconds 15] [--model spam] [--inference URL] [--label NAME] [--json FILE] [--raw FILE]
 *     an open loop at R requests/s with a swap of production to VERSION in the middle of the
 *     measured seconds (PUT /v1/models/MODEL/deployment, with MAAS_ADMIN_TOKEN): the worst
 *     5-second-window p99 against the p99 before the swap, and that nothing was lost;
 *     with --control true instead of --to, the same run without the PUT (what noise alone gives)
 * bench cleanup --kafka HOST:PORT [--model spam]
 *     deletes the records of MODEL's requests, results and shadow topics up to their ends, never
 *     past a consumer group's committed offset (what the benchmark wrote, read by everyone)
 * bench predict --corpus DIR [--host 127.0.0.1 --http-port 8080 --grpc-port 8500 --model spam --concurrency 32
 *     --warmup-seconds 10 --seconds 20 --json FILE]
 *     HTTP :predict and gRPC Predict side by side: a closed loop of calls of one text each
 * bench drift --model MODEL.tar.gz --corpus DIR --foreign DIR [--windows 200]
 *     the monitor's drift checks on the model's answers to held-out mails, to README texts (another
 *     domain, one file per package under --foreign) and to a flood of one class
 * </pre>
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if ("drift".equals(args[0])) {
      DriftExperiment.run(
          Path.of(flags.get("model")),
          SpamAssassinCorpus.load(Path.of(flags.get("corpus"))),
          Path.of(flags.get("foreign")),
          Integer.parseInt(flags.getOrDefault("windows", "200")));
      return;
    }
    if ("charts".equals(args[0])) {
      Charts.write(Path.of(flags.get("runs")), Path.of(flags.get("out")));
      return;
    }
    if ("swap".equals(args[0])) {
      SwapExperiment.run(flags, shuffledTexts(flags));
      return;
    }
    if ("predict".equals(args[0])) {
      PredictExperiment.run(flags, shuffledTexts(flags));
      return;
    }
    if ("report".equals(args[0])) {
      Report.write(Path.of(flags.get("runs")), Path.of(flags.get("out")), Report.Setting.of(flags));
      return;
    }
    if ("cleanup".equals(args[0])) {
      Cleanup.run(flags.get("kafka"), flags.getOrDefault("model", "spam"));
      return;
    }
    List<String> texts = shuffledTexts(flags);
    switch (args[0]) {
      case "limit" ->
          LimitRun.limit(
              Path.of(flags.get("model")),
              texts,
              Double.parseDouble(flags.getOrDefault("seconds", "3")),
              Integer.parseInt(flags.getOrDefault("intra-op", "1")),
              Integer.parseInt(flags.getOrDefault("inter-op", "1")),
              flags.containsKey("json") ? Path.of(flags.get("json")) : null);
      case "e2e" -> endToEnd(flags, texts);
      default ->
          throw new IllegalArgumentException(
              "usage: bench limit|e2e|swap|predict|drift|charts|report|cleanup ...");
    }
  }

  /**
   * The corpus comes grouped by folder, long messages together; a stream mixes them. One seeded
   * order serves every run, so runs stay comparable.
   */
  static List<String> shuffledTexts(Map<String, String> flags) {
    List<String> texts =
        new ArrayList<>(
            SpamAssassinCorpus.load(Path.of(flags.get("corpus"))).stream()
                .map(Example::text)
                .toList());
    Collections.shuffle(texts, new Random(42));
    return texts;
  }

  private static void endToEnd(Map<String, String> flags, List<String> texts) throws Exception {
    String model = flags.getOrDefault("model", "spam");
    KafkaClients clients = clients(flags.get("kafka"));
    Payloads payloads = new Payloads(model, texts);
    try (KafkaConsumer<String, byte[]> consumer = BenchKafka.resultsFromNow(clients, model);
        KafkaProducer<String, byte[]> producer = BenchKafka.requestsProducer(clients)) {

      // Warm-up, not measured: both JVMs compile their hot paths before the clock starts.
      int warmup = Integer.parseInt(flags.getOrDefault("warmup", "5000"));
      String warmupPrefix = "warmup-" + System.currentTimeMillis() + "-";
      int window = Integer.parseInt(flags.getOrDefault("window", "1024"));
      Semaphore warmingWindow = new Semaphore(window);
      Thread warming = sender(producer, payloads, model, warmupPrefix, warmup, 0, warmingWindow);
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
      long firstSend = System.currentTimeMillis();
      long[] lastResult = {firstSend};
      Semaphore outstanding = rate > 0 ? null : new Semaphore(window);
      Thread sending = sender(producer, payloads, model, prefix, expected, rate, outstanding);
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
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] completed = inService.stream().mapToLong(Long::longValue).sorted().toArray();
      double seconds = (lastResult[0] - firstSend) / 1000.0;
      double meanBatch =
          batchSizes.entrySet().stream().mapToDouble(e -> (double) e.getKey() * e.getValue()).sum()
              / received;
      int maxBatch = batchSizes.isEmpty() ? 0 : ((TreeMap<Integer, Integer>) batchSizes).lastKey();
      io.vertx.core.json.JsonObject sizes = new io.vertx.core.json.JsonObject();
      batchSizes.forEach((size, n) -> sizes.put(String.valueOf(size), n));
      io.vertx.core.json.JsonObject json =
          new io.vertx.core.json.JsonObject()
              .put("label", flags.get("label"))
              .put("kind", rate > 0 ? "open-loop" : "saturation")
              .put("offered", rate)
              .put("batching", maxBatch > 1)
              .put("received", received)
              .put("expected", expected)
              .put("throughput", received / seconds)
              .put("p50", percentile(sorted, 50))
              .put("p95", percentile(sorted, 95))
              .put("p99", percentile(sorted, 99))
              .put("p99Done", percentile(completed, 99))
              .put("meanBatch", meanBatch)
              .put("maxBatch", maxBatch)
              .put("batchSizes", sizes);
      System.out.println(Report.e2eRow(json));
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
      Payloads payloads,
      String model,
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
            send(producer, payloads, model, i, prefix + i);
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

  /**
   * Request payloads as a producer would write them, with the text's JSON encoded once per corpus
   * text: the generator shares the cores with what it measures, so it must spend little.
   */
  static final class Payloads {
    private final String model;
    private final byte[][] texts;

    Payloads(String model, List<String> texts) {
      this.model = model;
      this.texts =
          texts.stream()
              .map(t -> Json.encode(t).getBytes(StandardCharsets.UTF_8))
              .toArray(byte[][]::new);
    }

    /** {@code {"id":..,"model":..,"ingestedAt":..,"text":..}} for the i-th request. */
    byte[] request(int i, String id, long ingestedAt) {
      byte[] head =
          ("{\"id\":"
                  + Json.encode(id)
                  + ",\"model\":"
                  + Json.encode(model)
                  + ",\"ingestedAt\":"
                  + ingestedAt
                  + ",\"text\":")
              .getBytes(StandardCharsets.UTF_8);
      byte[] text = texts[i % texts.length];
      byte[] out = Arrays.copyOf(head, head.length + text.length + 1);
      System.arraycopy(text, 0, out, head.length, text.length);
      out[out.length - 1] = '}';
      return out;
    }
  }

  static void send(
      KafkaProducer<String, byte[]> producer, Payloads payloads, String model, int i, String id) {
    producer.send(
        new ProducerRecord<>(
            Topics.requests(model), id, payloads.request(i, id, System.currentTimeMillis())));
  }

  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  /** The benchmark's clients, with the services' MAAS_KAFKA_CONFIG_FILE when it is set (a secured cluster). */
  static KafkaClients clients(String bootstrapServers) {
    String file = System.getenv(io.maas.common.config.MaasConfig.MAAS_KAFKA_CONFIG_FILE);
    return new KafkaClients(
        bootstrapServers,
        "bench",
        file == null || file.isBlank()
            ? io.maas.common.kafka.KafkaClientFile.NONE
            : io.maas.common.kafka.KafkaClientFile.load(
                io.maas.common.config.MaasConfig.MAAS_KAFKA_CONFIG_FILE, Path.of(file)));
  }
}
