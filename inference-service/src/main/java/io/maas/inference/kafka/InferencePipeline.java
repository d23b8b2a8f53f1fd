package io.maas.inference.kafka;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.EventException;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.Reason;
import io.maas.common.event.Role;
import io.maas.common.kafka.ConsumerThread;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.common.metrics.MaasMetrics;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.model.ModelManager;
import io.maas.inference.model.ServedModel;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-classify-write loop: one plain Kafka consumer (the group every instance shares,
 * subscribed to the request topics of the models it serves) and one producer on a dedicated thread, so that
 * TensorFlow never runs on an event loop and exactly-once mode can send offsets to the
 * transaction (vertx-kafka-client 5.0.7 cannot).
 *
 * <p>Micro-batching: records are queued per model as the polls bring them; a full batch
 * ({@code batchSize}) runs at once, a partial one once its oldest record has waited
 * {@code batchWaitMs}. Only models with a loaded version are subscribed: the others'
 * requests wait in Kafka, nothing is dropped.
 *
 * <p>Delivery: results (and dead letters) are sent, and the batch's offsets committed only
 * after the broker acknowledged them (at-least-once); with {@code exactly-once}, sends and
 * offsets go into one Kafka transaction. A failed batch is rewound and read again.
 */
public final class InferencePipeline extends ConsumerThread {

  private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);

  static final Counter REQUESTS = Counter.build("maas_inference_requests_total",
      "Requests the inference service finished, by version, role and outcome (ok, dead_letter, error)")
      .labelNames("model", "version", "role", "outcome").register();
  static final Histogram BATCH_SIZE = Histogram.build("maas_inference_batch_size", "Requests per model call")
      .labelNames("model").buckets(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096).register();
  static final Histogram BATCH_SECONDS = Histogram.build("maas_inference_batch_seconds", "Model compute per batch")
      .labelNames("model", "version").exponentialBuckets(0.0001, 2, 16).register();
  static final Histogram QUEUE_SECONDS = Histogram.build("maas_inference_queue_seconds",
      "Time a request waited in this service for its batch").labelNames("model").exponentialBuckets(0.0001, 2, 16).register();

  private final InferenceConfig config;
  private final KafkaClients clients;
  private final ModelManager models;
  private final Map<String, ArrayDeque<Pending>> queues = new HashMap<>();
  private volatile boolean polling;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;

  private record Pending(ConsumerRecord<String, byte[]> record, long receivedNanos) {
  }

  private record Routed(InferenceRequest request, ServedModel served, Role role) {
  }

  public InferencePipeline(InferenceConfig config, KafkaClients clients, ModelManager models) {
    super("maas-inference-pipeline", false, 30_000);
    this.config = config;
    this.clients = clients;
    this.models = models;
  }

  /** Whether the loop is alive and polling. */
  public boolean polling() {
    return polling && alive();
  }

  @Override
  protected void run() {
    Map<String, Object> consumerConfig = new HashMap<>(clients.consumerConfig("pipeline", config.groupId()));
    consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, config.batchSize() * 4));
    // New models' request topics join the subscription within seconds.
    consumerConfig.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
    // Static membership: an instance restarted under the same worker name takes its partitions
    // back at once, without a rebalance; a dead one is noticed after 10 s rather than 45.
    consumerConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.worker());
    consumerConfig.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    consumerConfig.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    Map<String, Object> producerConfig = new HashMap<>(clients.producerConfig("results"));
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    if (config.exactlyOnce()) {
      // The same id after a restart fences the dead instance and aborts its open transaction at
      // once; an instance that never comes back holds read-committed readers for at most 10 s.
      producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.groupId() + "-" + config.worker());
      producerConfig.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    }
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
         KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
      consumer = c;
      attach(c);
      producer = p;
      if (config.exactlyOnce()) {
        p.initTransactions();
      }
      ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          // Not committed, so the next owner reads them again: drop our copies.
          forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
          forget(partitions);
        }
      };
      Set<String> subscribed = Set.of();
      polling = true;
      LOG.info("Inference pipeline started: group {}, batches of up to {} waiting at most {} ms, {} delivery, worker {}",
          config.groupId(), config.batchSize(), config.batchWaitMs(), config.exactlyOnce() ? "exactly-once" : "at-least-once",
          config.worker());
      while (running()) {
        // Only models with a loaded version are read: the others' requests wait in Kafka.
        Set<String> served = models.servedModels();
        if (!served.equals(subscribed)) {
          subscribed = served;
          if (served.isEmpty()) {
            c.unsubscribe();
          } else {
            c.subscribe(served.stream().map(Topics::requests).toList(), listener);
          }
        }
        if (subscribed.isEmpty()) {
          Thread.sleep(100);
          continue;
        }
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(pollTimeoutMs()))) {
          String model = Topics.modelOfRequests(record.topic());
          if (model != null) {
            queues.computeIfAbsent(model, m -> new ArrayDeque<>()).add(new Pending(record, System.nanoTime()));
          }
        }
        drain();
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("The inference pipeline stopped on an error: {}", e.getMessage(), e);
    } finally {
      polling = false;
    }
  }

  /** How long the next poll may block: until the oldest queued request of a served model is due. */
  private long pollTimeoutMs() {
    long now = System.nanoTime();
    long timeout = 100;
    for (Map.Entry<String, ArrayDeque<Pending>> queue : queues.entrySet()) {
      if (!queue.getValue().isEmpty()) {
        long waitedMs = (now - queue.getValue().peekFirst().receivedNanos()) / 1_000_000;
        timeout = Math.min(timeout, Math.max(0, config.batchWaitMs() - waitedMs));
      }
    }
    return timeout;
  }

  /** Runs every full batch, and every partial batch whose oldest request is due. */
  private void drain() {
    for (Map.Entry<String, ArrayDeque<Pending>> entry : queues.entrySet()) {
      String model = entry.getKey();
      ArrayDeque<Pending> queue = entry.getValue();
      while (!queue.isEmpty() && models.slots(model) != null) {
        boolean full = queue.size() >= config.batchSize();
        boolean due = (System.nanoTime() - queue.peekFirst().receivedNanos()) / 1_000_000 >= config.batchWaitMs();
        if (!full && !due) {
          break;
        }
        List<Pending> batch = new ArrayList<>(Math.min(queue.size(), config.batchSize()));
        while (!queue.isEmpty() && batch.size() < config.batchSize()) {
          batch.add(queue.pollFirst());
        }
        if (!process(model, batch)) {
          return;
        }
      }
    }
  }

  /** Classifies one batch and makes its results and offsets durable; false when it was rewound. */
  private boolean process(String model, List<Pending> batch) {
    long started = System.nanoTime();
    BATCH_SIZE.labels(model).observe(batch.size());
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(batch.size() + 4);
    List<Routed> routed = new ArrayList<>(batch.size());
    ServedModel.Slots slots = models.slots(model);
    for (Pending pending : batch) {
      QUEUE_SECONDS.labels(model).observe((started - pending.receivedNanos()) / 1e9);
      ConsumerRecord<String, byte[]> record = pending.record();
      try {
        InferenceRequest request = InferenceRequest.decode(record.value() == null ? new byte[0] : record.value(),
            new InferenceRequest.Defaults(model, record.key() == null ? null : record::key, record.timestamp(),
                config.maxTextBytes()));
        Routed route = route(request, slots);
        if (route == null) {
          out.add(deadLetter(model, request.id(), Reason.UNKNOWN_VERSION,
              "version " + request.version() + " of " + model + " is not deployed", record.value()));
        } else {
          routed.add(route);
        }
      } catch (EventException e) {
        out.add(deadLetter(model, record.key(), e.reason(), e.getMessage(), record.value()));
      }
    }
    Map<ServedModel, List<Routed>> groups = new IdentityHashMap<>();
    for (Routed r : routed) {
      groups.computeIfAbsent(r.served(), s -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<ServedModel, List<Routed>> group : groups.entrySet()) {
      classify(model, group.getKey(), group.getValue(), group.getValue().get(0).role(), Topics.results(model), out);
    }
    if (slots != null && slots.shadow() != null && !routed.isEmpty()) {
      // Shadow answers every request but never reaches results, and never dead-letters one.
      List<Routed> shadowed = routed.stream().map(r -> new Routed(r.request(), slots.shadow(), Role.SHADOW)).toList();
      classify(model, slots.shadow(), shadowed, Role.SHADOW, Topics.shadow(model), out);
    }
    return commit(batch, out);
  }

  /** Pinned versions go to the slot serving them; otherwise a stable share of ids goes to the canary. */
  private static Routed route(InferenceRequest request, ServedModel.Slots slots) {
    if (request.version() != null) {
      if (slots.production().version() == request.version()) {
        return new Routed(request, slots.production(), Role.PRODUCTION);
      }
      if (slots.canary() != null && slots.canary().version() == request.version()) {
        return new Routed(request, slots.canary(), Role.CANARY);
      }
      return null;
    }
    if (slots.canary() != null && unit(request.id()) < slots.canaryWeight()) {
      return new Routed(request, slots.canary(), Role.CANARY);
    }
    return new Routed(request, slots.production(), Role.PRODUCTION);
  }

  /** The same number in [0, 1) for the same id on every instance, so a caller sticks to one version. */
  static double unit(String id) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return (ByteBuffer.wrap(digest).getLong() >>> 11) / (double) (1L << 53);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void classify(String model, ServedModel served, List<Routed> requests, Role role, String topic,
      List<ProducerRecord<String, byte[]>> out) {
    if (!served.acquire()) {
      // swapped out between routing and here: the slot's replacement answers
      ServedModel.Slots now = models.slots(model);
      ServedModel replacement = now == null ? null : now.of(role);
      if (replacement == null || !replacement.acquire()) {
        throw new IllegalStateException("model " + model + " lost its " + role.code() + " version during a batch");
      }
      served = replacement;
    }
    try {
      isolate(model, served, requests, role, topic, out);
    } finally {
      served.release();
    }
  }

  /** One call for the batch; a failing batch is split in halves until the failing items are alone. */
  private void isolate(String model, ServedModel served, List<Routed> requests, Role role, String topic,
      List<ProducerRecord<String, byte[]>> out) {
    long started = System.nanoTime();
    float[][] probabilities;
    try {
      probabilities = served.predict(requests.stream().map(r -> r.request().text()).toList());
    } catch (RuntimeException e) {
      if (requests.size() > 1) {
        int half = requests.size() / 2;
        isolate(model, served, requests.subList(0, half), role, topic, out);
        isolate(model, served, requests.subList(half, requests.size()), role, topic, out);
        return;
      }
      REQUESTS.labels(model, String.valueOf(served.version()), role.code(), "error").inc();
      if (role != Role.SHADOW) {
        InferenceRequest r = requests.get(0).request();
        out.add(deadLetter(model, r.id(), Reason.MODEL_FAILURE, "model " + model + " v" + served.version()
            + " failed on this request: " + e.getMessage(), r.toBuffer().getBytes()));
      }
      return;
    }
    BATCH_SECONDS.labels(model, String.valueOf(served.version())).observe((System.nanoTime() - started) / 1e9);
    long completedAt = System.currentTimeMillis();
    List<String> classes = served.classes();
    for (int i = 0; i < requests.size(); i++) {
      InferenceRequest request = requests.get(i).request();
      Map<String, Double> scores = new LinkedHashMap<>();
      int best = 0;
      for (int c = 0; c < classes.size(); c++) {
        scores.put(classes.get(c), (double) probabilities[i][c]);
        if (probabilities[i][c] > probabilities[i][best]) {
          best = c;
        }
      }
      InferenceResult result = new InferenceResult(request.id(), model, served.version(), role, classes.get(best), scores,
          request.ingestedAt(), completedAt, requests.size(), config.worker());
      out.add(new ProducerRecord<>(topic, request.id(), result.toBuffer().getBytes()));
    }
    REQUESTS.labels(model, String.valueOf(served.version()), role.code(), "ok").inc(requests.size());
  }

  private ProducerRecord<String, byte[]> deadLetter(String model, String id, Reason reason, String error, byte[] payload) {
    MaasMetrics.DEAD_LETTERS.labels(model, "inference", reason.code()).inc();
    REQUESTS.labels(model, "", "", "dead_letter").inc();
    DeadLetter letter = DeadLetter.of(id, model, "inference", reason, error, payload, System.currentTimeMillis());
    return new ProducerRecord<>(Topics.DEAD_LETTERS, id, letter.toBuffer().getBytes());
  }

  private boolean commit(List<Pending> batch, List<ProducerRecord<String, byte[]>> out) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Pending p : batch) {
      ConsumerRecord<String, byte[]> r = p.record();
      offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    try {
      if (config.exactlyOnce()) {
        producer.beginTransaction();
        out.forEach(producer::send);
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.commitTransaction();
      } else {
        List<Future<RecordMetadata>> sent = new ArrayList<>(out.size());
        out.forEach(record -> sent.add(producer.send(record)));
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
          f.get();
        }
        consumer.commitSync(offsets);
      }
      return true;
    } catch (WakeupException e) {
      throw e;
    } catch (Exception e) {
      LOG.warn("A batch of {} requests could not be made durable ({}); reading it again", batch.size(), e.getMessage());
      if (config.exactlyOnce()) {
        try {
          producer.abortTransaction();
        } catch (RuntimeException abort) {
          LOG.warn("Aborting the transaction failed: {}", abort.getMessage());
        }
      }
      rewind(batch);
      return false;
    }
  }

  /** Seeks each partition of the batch back to its first record and drops queued copies. */
  private void rewind(List<Pending> batch) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (Pending p : batch) {
      first.merge(new TopicPartition(p.record().topic(), p.record().partition()), p.record().offset(), Math::min);
    }
    forget(first.keySet());
    first.forEach((tp, offset) -> {
      if (consumer.assignment().contains(tp)) {
        consumer.seek(tp, offset);
      }
    });
  }

  private void forget(Collection<TopicPartition> partitions) {
    for (ArrayDeque<Pending> queue : queues.values()) {
      queue.removeIf(p -> partitions.contains(new TopicPartition(p.record().topic(), p.record().partition())));
    }
  }
}
