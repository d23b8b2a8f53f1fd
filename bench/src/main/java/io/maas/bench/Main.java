package io.maas.bench;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.model.LoadedModel;
import io.maas.model.ModelArchive;
import io.maas.trainer.data.Example;
import io.maas.trainer.data.SpamAssassinCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmarks behind {@code ./maas bench}; each prints Markdown for docs/BENCHMARKS.md.
 *
 * <pre>
 * bench limit --model MODEL.tar.gz --corpus DIR [--seconds 3]
 *     in-process model throughput at batch sizes 1 to 512, TensorFlow 1 intra / 1 inter-op thread
 * bench e2e --kafka HOST:PORT --corpus DIR --label NAME (--count N | --rate R --seconds T) [--model spam]
 *     writes requests to maas.requests.MODEL as a producer would and reads maas.results.MODEL:
 *     throughput, latency from ingestedAt to the result observed, batch sizes
 * </pre>
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    List<String> texts = SpamAssassinCorpus.load(Path.of(flags.get("corpus"))).stream().map(Example::text).toList();
    switch (args[0]) {
      case "limit" -> limit(Path.of(flags.get("model")), texts, Double.parseDouble(flags.getOrDefault("seconds", "3")));
      case "e2e" -> endToEnd(flags, texts);
      default -> throw new IllegalArgumentException("usage: bench limit|e2e ...");
    }
  }

  private static void limit(Path archive, List<String> texts, double seconds) throws Exception {
    Path dir = Files.createTempDirectory("maas-bench-");
    ModelArchive.unpack(archive, dir, ModelArchive.Limits.defaults());
    System.out.println("| batch size | documents/s | ms per batch |");
    System.out.println("| --- | --- | --- |");
    try (LoadedModel model = LoadedModel.load(dir, 1, 1, false)) {
      for (int batch = 1; batch <= 512; batch *= 2) {
        run(model, texts, batch, 0.5);
        double[] measured = run(model, texts, batch, seconds);
        System.out.printf(Locale.ROOT, "| %d | %.0f | %.2f |%n", batch, measured[0], measured[1]);
      }
    }
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

  private static void endToEnd(Map<String, String> flags, List<String> texts) throws Exception {
    String model = flags.getOrDefault("model", "spam");
    KafkaClients clients = new KafkaClients(flags.get("kafka"), "bench");
    String prefix = "bench-" + System.currentTimeMillis() + "-";
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> batchSizes = new TreeMap<>();
    int expected;
    long firstSend;
    long lastResult;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(new HashMap<>(clients.consumerConfig("results", null)),
             new StringDeserializer(), new ByteArrayDeserializer());
         KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(clients.producerConfig("requests")),
             new StringSerializer(), new ByteArraySerializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.results(model), Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);

      Thread sender;
      int[] sent = {0};
      if (flags.containsKey("count")) {
        expected = Integer.parseInt(flags.get("count"));
        sender = new Thread(() -> {
          for (int i = 0; i < expected; i++) {
            send(producer, model, prefix + i, texts.get(i % texts.size()));
          }
          producer.flush();
        });
      } else {
        double rate = Double.parseDouble(flags.get("rate"));
        double seconds = Double.parseDouble(flags.get("seconds"));
        expected = (int) (rate * seconds);
        sender = new Thread(() -> {
          long start = System.nanoTime();
          for (int i = 0; i < expected; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
              java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            send(producer, model, prefix + i, texts.get(i % texts.size()));
          }
          producer.flush();
        });
      }
      firstSend = System.currentTimeMillis();
      sender.start();
      int received = 0;
      lastResult = firstSend;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (received < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (record.key() == null || !record.key().startsWith(prefix)) {
            continue;
          }
          long observed = System.currentTimeMillis();
          InferenceResult result = InferenceResult.decode(record.value());
          latencies.add(observed - result.ingestedAt());
          batchSizes.merge(result.batchSize(), 1, Integer::sum);
          received++;
          lastResult = observed;
        }
      }
      sender.join();
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      double seconds = (lastResult - firstSend) / 1000.0;
      double meanBatch = batchSizes.entrySet().stream().mapToDouble(e -> (double) e.getKey() * e.getValue()).sum() / received;
      int maxBatch = batchSizes.isEmpty() ? 0 : ((TreeMap<Integer, Integer>) batchSizes).lastKey();
      System.out.printf(Locale.ROOT, "| %s | %d/%d | %.0f | %d | %d | %d | %.1f | %d |%n", flags.get("label"), received, expected,
          received / seconds, percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), meanBatch, maxBatch);
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, String model, String id, String text) {
    long now = System.currentTimeMillis();
    producer.send(new ProducerRecord<>(Topics.requests(model), id,
        new InferenceRequest(id, model, text, now, null, Map.of()).toBuffer().getBytes()));
  }

  private static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
