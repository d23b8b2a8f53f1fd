package io.maas.inference.kafka;

import static io.maas.inference.kafka.InferenceMetrics.BATCH_SECONDS;
import static io.maas.inference.kafka.InferenceMetrics.BATCH_SIZE;
import static io.maas.inference.kafka.InferenceMetrics.E2E_SECONDS;
import static io.maas.inference.kafka.InferenceMetrics.PREDICTIONS;
import static io.maas.inference.kafka.InferenceMetrics.QUEUE_SECONDS;
import static io.maas.inference.kafka.InferenceMetrics.REQUESTS;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.EventException;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.Reason;
import io.maas.common.event.Role;
import io.maas.common.kafka.Topics;
import io.maas.common.metrics.MaasMetrics;
import io.maas.common.profile.TextDescriptors;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.model.Batcher;
import io.maas.inference.model.ModelManager;
import io.maas.inference.model.ServedModel;
import io.prometheus.client.Histogram;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model side of the pipeline, on its own thread: takes batches from the {@link Batcher},
 * routes each request to the version that answers it, runs TensorFlow, and sends the results
 * and dead letters without waiting for them, so that the next batch starts while the broker
 * acknowledges the last one.
 *
 * <p>At-least-once: a batch's records are marked done (and become committable by the consumer's
 * thread) once every one of its outputs is acknowledged. Exactly-once: outputs go into a Kafka
 * transaction that spans batches and commits, with the consumed offsets, once it has been open
 * {@value #TRANSACTION_MILLIS} ms: a commit takes several round trips to the broker, and one per
 * batch held the worker back under load; read-committed readers wait that much longer.
 *
 * <p>A failure (a send refused, a transaction that did not commit) stops the worker from taking
 * batches until the consumer's thread has rewound to what is durable and called {@link #recover};
 * {@link #exclusive} runs such work while no batch is in progress. A commit or an abort that times
 * out (the broker is gone longer than {@code max.block.ms}) may still complete, and Kafka's producer
 * takes no other transactional call until the same one is made again: it is retried before the next
 * transaction begins, so that the worker does not refuse every transaction once the broker is back.
 *
 * <p>Every result carries the {@link TextDescriptors} of its request against the answering
 * version's training vocabulary; the consumer's thread computes them for the production version
 * while it decodes, so that the model's thread only computes them for a canary or a shadow.
 */
final class ModelWorker {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWorker.class);

  static final long TRANSACTION_MILLIS = 20;


  /**
   * A request read from Kafka: decoded, or refused with a reason, and the state it was read in.
   *
   * @param descriptors the text's descriptors against {@code vocabulary}, or null when not computed yet
   */
  record Pending(ConsumerRecord<String, byte[]> record, InferenceRequest request, EventException refused,
      long receivedNanos, long epoch, OffsetTracker.Mark mark, TextDescriptors descriptors, Set<String> vocabulary) {

    /** The text's descriptors against a version's vocabulary, computed here unless the consumer's thread did. */
    TextDescriptors descriptors(Set<String> against) {
      return descriptors != null && against == vocabulary ? descriptors : TextDescriptors.of(request.text(), against);
    }
  }

  private record Routed(Pending pending, ServedModel served, Role role) {
    InferenceRequest request() {
      return pending.request();
    }
  }

  /** What the worker needs from the consumer's side. */
  interface Owner {
    /** Bumped at each rewind: batches read before it are dropped. */
    long epoch();

    /** The consumer's group metadata, for transactions. */
    ConsumerGroupMetadata groupMetadata();
  }

  private final InferenceConfig config;
  private final ModelManager models;
  private final Batcher<Pending> batcher;
  private final KafkaProducer<String, byte[]> producer;
  private final Owner owner;
  private final ReentrantLock lock = new ReentrantLock();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Exception failure;
  private final Map<TopicPartition, OffsetAndMetadata> transactionOffsets = new HashMap<>();
  private final List<OffsetTracker.Mark> transactionMarks = new ArrayList<>();
  private long transactionStarted = -1;
  /** A commit or abort that timed out, to be retried before anything else; null when none. */
  private Ending unfinished;

  private enum Ending {
    COMMIT, ABORT
  }

  ModelWorker(InferenceConfig config, ModelManager models, Batcher<Pending> batcher, KafkaProducer<String, byte[]> producer,
      Owner owner) {
    this.config = config;
    this.models = models;
    this.batcher = batcher;
    this.producer = producer;
    this.owner = owner;
    this.thread = new Thread(this::loop, "maas-inference-worker");
  }

  void start() {
    thread.start();
  }

  /** Finishes the batch in progress and stops; what it left open is settled with {@link #exclusive} after. */
  void stop() {
    running = false;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean alive() {
    return thread.isAlive();
  }

  /** The failure that stopped batches, or null. */
  Exception failure() {
    return failure;
  }

  /** Runs {@code action} while no batch is in progress. */
  void exclusive(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  /** Commits the open transaction, or aborts it after a failure (with {@link #exclusive}). */
  void finishTransaction() {
    if (transactionStarted < 0) {
      return;
    }
    if (failure == null) {
      commitTransaction();
    } else {
      abortTransaction();
    }
  }

  /** Takes batches again, after the consumer's side rewound (with {@link #exclusive}). */
  void recover() {
    failure = null;
  }

  private void loop() {
    while (running) {
      Batcher.Batch<Pending> batch;
      try {
        batch = batcher.take(this::servable, untilCommitMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      lock.lock();
      try {
        long epoch = owner.epoch();
        if (batch != null && failure == null && batch.items().stream().allMatch(p -> p.epoch() == epoch)) {
          process(batch.model(), batch.items());
        }
        if (transactionStarted >= 0 && (failure != null || untilCommitMillis() == 0)) {
          finishTransaction();
        }
      } catch (RuntimeException e) {
        fail(e);
      } finally {
        lock.unlock();
      }
    }
  }

  /** How long the open transaction may stay open; 100 ms when none is. */
  private long untilCommitMillis() {
    if (transactionStarted < 0) {
      return 100;
    }
    long left = TRANSACTION_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - transactionStarted);
    return Math.max(0, left);
  }

  private boolean servable(String model) {
    return failure == null && models.slots(model) != null;
  }

  private void fail(Exception e) {
    if (failure == null) {
      LOG.warn("Results could not be made durable ({}); reading again from the last committed offsets", e.toString());
      failure = e;
    }
  }

  /** Classifies one batch and sends its outputs. */
  private void process(String model, List<Pending> batch) {
    long started = System.nanoTime();
    BATCH_SIZE.labels(model).observe(batch.size());
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(batch.size() + 4);
    List<Routed> routed = new ArrayList<>(batch.size());
    ServedModel.Slots slots = models.slots(model);
    if (slots == null) {
      // undeployed since the batch was cut: read these again once the subscription has settled
      throw new IllegalStateException("model " + model + " is no longer served");
    }
    for (Pending pending : batch) {
      QUEUE_SECONDS.labels(model).observe((started - pending.receivedNanos()) / 1e9);
      ConsumerRecord<String, byte[]> record = pending.record();
      if (pending.refused() != null) {
        out.add(deadLetter(model, record.key(), pending.refused().reason(), pending.refused().getMessage(), record.value(), null));
        continue;
      }
      Routed route = route(pending, slots);
      if (route == null) {
        out.add(deadLetter(model, pending.request().id(), Reason.UNKNOWN_VERSION,
            "version " + pending.request().version() + " of " + model + " is not deployed", record.value(), null));
      } else {
        routed.add(route);
      }
    }
    Map<ServedModel, List<Routed>> groups = new IdentityHashMap<>();
    for (Routed r : routed) {
      groups.computeIfAbsent(r.served(), s -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<ServedModel, List<Routed>> group : groups.entrySet()) {
      classify(model, group.getKey(), group.getValue(), group.getValue().get(0).role(), Topics.results(model), false, out);
    }
    if (slots.canary() != null) {
      // Production's control answers to the canary's requests, on the shadow topic: the monitor
      // compares the two answers for the same ids. They cost production the canary's share of work.
      List<Routed> control = routed.stream().filter(r -> r.role() == Role.CANARY)
          .map(r -> new Routed(r.pending(), slots.production(), Role.PRODUCTION)).toList();
      if (!control.isEmpty()) {
        classify(model, slots.production(), control, Role.PRODUCTION, Topics.shadow(model), true, out);
      }
    }
    if (slots.shadow() != null && !routed.isEmpty()) {
      // Shadow answers every request but never reaches results, and never dead-letters one.
      List<Routed> shadowed = routed.stream().map(r -> new Routed(r.pending(), slots.shadow(), Role.SHADOW)).toList();
      classify(model, slots.shadow(), shadowed, Role.SHADOW, Topics.shadow(model), false, out);
    }
    if (config.exactlyOnce()) {
      sendInTransaction(batch, out);
    } else {
      send(batch, out);
    }
  }

  /** At-least-once: the batch is done when the broker acknowledged every output. */
  private void send(List<Pending> batch, List<ProducerRecord<String, byte[]>> out) {
    if (out.isEmpty()) {
      batch.forEach(p -> p.mark().done());
      return;
    }
    AtomicInteger unacknowledged = new AtomicInteger(out.size());
    for (ProducerRecord<String, byte[]> record : out) {
      producer.send(record, (metadata, error) -> {
        if (error != null) {
          fail(error);
        } else if (unacknowledged.decrementAndGet() == 0) {
          batch.forEach(p -> p.mark().done());
        }
      });
    }
  }

  private void sendInTransaction(List<Pending> batch, List<ProducerRecord<String, byte[]>> out) {
    if (transactionStarted < 0) {
      finishUnfinished();
      producer.beginTransaction();
      transactionStarted = System.nanoTime();
    }
    out.forEach(producer::send);
    for (Pending p : batch) {
      transactionOffsets.merge(new TopicPartition(p.record().topic(), p.record().partition()),
          new OffsetAndMetadata(p.record().offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
      transactionMarks.add(p.mark());
    }
  }

  private void commitTransaction() {
    try {
      producer.sendOffsetsToTransaction(transactionOffsets, owner.groupMetadata());
    } catch (RuntimeException e) {
      fail(e);
      abortTransaction();
      return;
    }
    try {
      producer.commitTransaction();
    } catch (TimeoutException e) {
      // It may still commit: the consumer's side reads the committed offsets again once the outcome is known.
      unfinished = Ending.COMMIT;
      dropTransaction();
      fail(e);
      return;
    } catch (RuntimeException e) {
      fail(e);
      abortTransaction();
      return;
    }
    // done once committed: the consumer's lag counts them until then
    transactionMarks.forEach(OffsetTracker.Mark::done);
    dropTransaction();
  }

  /** Aborts the open transaction, if any (with {@link #exclusive}). */
  void abortTransaction() {
    if (transactionStarted < 0) {
      return;
    }
    dropTransaction();
    try {
      producer.abortTransaction();
    } catch (TimeoutException e) {
      unfinished = Ending.ABORT;
      LOG.warn("Aborting the transaction timed out ({}); the abort is retried before the next transaction", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("Aborting the transaction failed: {}", e.toString());
    }
  }

  private void dropTransaction() {
    transactionOffsets.clear();
    transactionMarks.clear();
    transactionStarted = -1;
  }

  /** Makes the commit or abort that timed out again; throws while Kafka still does not answer. */
  private void finishUnfinished() {
    if (unfinished == null) {
      return;
    }
    Ending ending = unfinished;
    try {
      if (ending == Ending.COMMIT) {
        producer.commitTransaction();
      } else {
        producer.abortTransaction();
      }
    } catch (TimeoutException e) {
      throw e;
    } catch (RuntimeException e) {
      // The outcome is known now, a failure: a failed commit is aborted next (which clears an
      // abortable error, and fails at once on a fenced producer); a failed abort is not retried.
      unfinished = ending == Ending.COMMIT ? Ending.ABORT : null;
      throw e;
    }
    unfinished = null;
    LOG.info("The transaction's {} that had timed out went through when made again", ending.name().toLowerCase(Locale.ROOT));
  }

  /** Pinned versions go to the slot serving them; otherwise a stable share of ids goes to the canary. */
  private static Routed route(Pending pending, ServedModel.Slots slots) {
    InferenceRequest request = pending.request();
    if (request.version() != null) {
      if (slots.production().version() == request.version()) {
        return new Routed(pending, slots.production(), Role.PRODUCTION);
      }
      if (slots.canary() != null && slots.canary().version() == request.version()) {
        return new Routed(pending, slots.canary(), Role.CANARY);
      }
      return null;
    }
    if (slots.canary() != null && unit(request.id()) < slots.canaryWeight()) {
      return new Routed(pending, slots.canary(), Role.CANARY);
    }
    return new Routed(pending, slots.production(), Role.PRODUCTION);
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

  /** @param control a comparison answer for the monitor: counted in no metric, never a dead letter */
  private void classify(String model, ServedModel served, List<Routed> requests, Role role, String topic, boolean control,
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
      isolate(model, served, requests, role, topic, control, out);
    } finally {
      served.release();
    }
  }

  /** One call for the batch; a failing batch is split in halves until the failing items are alone. */
  private void isolate(String model, ServedModel served, List<Routed> requests, Role role, String topic, boolean control,
      List<ProducerRecord<String, byte[]>> out) {
    long started = System.nanoTime();
    float[][] probabilities;
    try {
      probabilities = served.predict(requests.stream().map(r -> r.request().text()).toList());
    } catch (RuntimeException e) {
      if (requests.size() > 1) {
        int half = requests.size() / 2;
        isolate(model, served, requests.subList(0, half), role, topic, control, out);
        isolate(model, served, requests.subList(half, requests.size()), role, topic, control, out);
        return;
      }
      if (control) {
        return;
      }
      REQUESTS.labels(model, String.valueOf(served.version()), role.code(), "error").inc();
      if (role != Role.SHADOW) {
        InferenceRequest r = requests.get(0).request();
        out.add(deadLetter(model, r.id(), Reason.MODEL_FAILURE, "model " + model + " v" + served.version()
            + " failed on this request: " + e.getMessage(), r.toBuffer().getBytes(), served.version()));
      }
      return;
    }
    String version = String.valueOf(served.version());
    if (!control) {
      BATCH_SECONDS.labels(model, version).observe((System.nanoTime() - started) / 1e9);
    }
    long completedAt = System.currentTimeMillis();
    List<String> classes = served.classes();
    Histogram.Child latency = E2E_SECONDS.labels(model, version);
    long[] predicted = new long[classes.size()];
    for (int i = 0; i < requests.size(); i++) {
      Routed routed = requests.get(i);
      InferenceRequest request = routed.request();
      Map<String, Double> scores = new LinkedHashMap<>();
      int best = 0;
      for (int c = 0; c < classes.size(); c++) {
        scores.put(classes.get(c), (double) probabilities[i][c]);
        if (probabilities[i][c] > probabilities[i][best]) {
          best = c;
        }
      }
      predicted[best]++;
      if (!control) {
        latency.observe(Math.max(0, completedAt - request.ingestedAt()) / 1000.0);
      }
      InferenceResult result = new InferenceResult(request.id(), model, served.version(), role, classes.get(best), scores,
          request.ingestedAt(), completedAt, requests.size(), config.worker(), routed.pending().descriptors(served.vocabulary()));
      out.add(new ProducerRecord<>(topic, request.id(), result.toBuffer().getBytes()));
    }
    if (control) {
      return;
    }
    for (int c = 0; c < predicted.length; c++) {
      if (predicted[c] > 0) {
        PREDICTIONS.labels(model, version, classes.get(c)).inc(predicted[c]);
      }
    }
    REQUESTS.labels(model, version, role.code(), "ok").inc(requests.size());
  }

  /** @param version the version that failed on the request, or null when none is to blame */
  private ProducerRecord<String, byte[]> deadLetter(String model, String id, Reason reason, String error, byte[] payload,
      Integer version) {
    MaasMetrics.DEAD_LETTERS.labels(model, "inference", reason.code()).inc();
    REQUESTS.labels(model, "", "", "dead_letter").inc();
    DeadLetter letter = DeadLetter.of(id, model, "inference", reason, error, payload, System.currentTimeMillis());
    if (version != null) {
      letter = letter.withVersion(version);
    }
    return new ProducerRecord<>(Topics.DEAD_LETTERS, id, letter.toBuffer().getBytes());
  }
}
