package io.maas.inference.kafka;

import io.maas.common.kafka.ConsumerThread;
import io.maas.common.kafka.KafkaClients;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.model.Batcher;
import io.maas.inference.model.ModelManager;
import io.maas.inference.worker.ModelWorker;
import io.maas.inference.worker.Pending;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the read-classify-write loop, on a dedicated thread: one plain Kafka consumer
 * (the group every instance shares, subscribed to the request topics of the models it serves)
 * that decodes what the polls bring ({@link RequestDecoder}) and queues it in the {@link Batcher},
 * where the {@link ModelWorker} cuts batches for TensorFlow on its own thread. Decoding the next
 * requests thus overlaps the model call, and nothing Kafka-bound runs on an event loop;
 * exactly-once mode can send offsets to the transaction (vertx-kafka-client 5.0.7 cannot).
 *
 * <p>Only models with a loaded version are subscribed: the others' requests wait in Kafka,
 * nothing is dropped. When more than four batches are queued, the consumer pauses its partitions
 * until half have gone, so memory stays bounded whatever the backlog in Kafka.
 *
 * <p>Delivery: at-least-once ({@link AtLeastOnceSink}) commits each partition up to its first
 * record whose outputs are not yet acknowledged (asynchronously, every 100 ms); exactly-once
 * ({@link TransactionalSink}) leaves offsets to the worker's transactions. After a failure, a lost
 * partition or a revocation, the queued work is dropped and the remaining partitions are read
 * again from their committed offsets ({@link CommittedSeeker}), waiting for as long as Kafka
 * cannot tell them. A fenced transactional id ends this consumer and producer; the pipeline
 * starts over with new ones. Lag gauges: {@link LagGauges}.
 */
public final class InferencePipeline extends ConsumerThread {

  private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);

  /**
   * At-least-once commits at most this often: each one is a write to {@code __consumer_offsets},
   * and a crash repeats at most this much more work (Kafka Streams uses the same for exactly-once).
   */
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final InferenceConfig config;
  private final KafkaClients clients;
  private final ModelManager models;
  private final Batcher<Pending> batcher;
  private final OffsetTracker offsets = new OffsetTracker();
  private final LagGauges lag;
  private final RequestDecoder decoder;
  private volatile boolean polling;

  /** Bumped at each rewind, on the consumer's thread: batches read before it are dropped by the worker. */
  private volatile long epoch;

  /** The consumer's group metadata, for transactions; set on the consumer's thread, read by the worker's. */
  private volatile ConsumerGroupMetadata groupMetadata;

  // One attempt's clients, on the consumer's thread (its rebalance listener included).
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private CommittedSeeker seeker;
  private volatile ModelWorker worker;
  private Backpressure backpressure;
  private ModelSubscription subscription;
  private long lastCommit;

  public InferencePipeline(InferenceConfig config, KafkaClients clients, ModelManager models) {
    super("maas-inference-pipeline", false, 30_000);
    this.config = config;
    this.clients = clients;
    this.models = models;
    this.batcher =
        new Batcher<>(
            config.batchSize(),
            config.batchWaitMs(),
            TimeUnit.MILLISECONDS,
            Pending::receivedNanos);
    this.lag = new LagGauges(config.groupId(), offsets);
    this.decoder = new RequestDecoder(models, offsets, config.maxTextBytes());
  }

  /** Whether the loop and its model worker are alive and polling. */
  public boolean polling() {
    return polling && alive() && worker != null && worker.alive();
  }

  @Override
  protected void run() {
    // A pipeline that fails (its producer fenced, a client call that outlived an outage) starts
    // over with a new consumer and producer, from the committed offsets.
    untilStopped("The inference pipeline", LOG, this::pipeline);
  }

  private void pipeline() throws InterruptedException {
    try (KafkaConsumer<String, byte[]> c = PipelineClients.consumer(config, clients);
        KafkaProducer<String, byte[]> p = PipelineClients.producer(config, clients)) {
      consumer = c;
      attach(c);
      producer = p;
      seeker = new CommittedSeeker(c);
      backpressure = new Backpressure(c, batcher, config.batchSize() * 4);
      // revoked: what is done is made durable first; lost: another member owns them already
      subscription =
          new ModelSubscription(
              c, models, revoked -> rewind(revoked, true), lost -> rewind(lost, false));
      if (config.exactlyOnce()) {
        p.initTransactions();
      }
      worker =
          new ModelWorker(
              models,
              batcher,
              config.worker(),
              failed -> PipelineClients.sink(config, p, () -> groupMetadata, failed),
              () -> epoch);
      worker.start();
      try {
        loop();
      } finally {
        polling = false;
        lag.forget();
        worker.stop();
        batcher.clear();
        worker.exclusive(this::settle);
      }
    } finally {
      polling = false;
    }
  }

  private void loop() throws InterruptedException {
    lastCommit = System.nanoTime();
    polling = true;
    LOG.info(
        "Inference pipeline started: group {}, batches of up to {} waiting at most {} ms, {} delivery, worker {}",
        config.groupId(),
        config.batchSize(),
        config.batchWaitMs(),
        config.exactlyOnce() ? "exactly-once" : "at-least-once",
        config.worker());
    while (running()) {
      boolean following = subscription.follow();
      lag.report(consumer);
      if (!following) {
        Thread.sleep(100);
        continue;
      }
      if (!seeker.seek()) {
        Thread.sleep(500);
        continue;
      }
      rewindAfterFailure();
      queue(backpressure.hold());
      commitDone();
    }
  }

  /** After the worker failed: reads again from what is durable; a fenced transactional id ends this attempt. */
  private void rewindAfterFailure() {
    Exception failure = worker.failure();
    if (failure instanceof TransactionFencedException fenced) {
      // The coordinator fences a producer whose transaction outlived transaction.timeout.ms (a
      // broker outage), and so does another instance with the same id: a new producer takes the
      // id back, and two instances sharing a name keep fencing each other, with this logged.
      throw fenced;
    }
    if (failure != null) {
      rewind(Set.of(), true);
    }
  }

  /** Polls and queues what came per model, in offset order. */
  private void queue(Duration timeout) {
    ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
    if (config.exactlyOnce()) {
      // after a rebalance, before the first batch of the new generation is cut
      groupMetadata = consumer.groupMetadata();
    }
    if (!records.isEmpty()) {
      decoder.decode(records, epoch).forEach(batcher::offer);
    }
  }

  /** At-least-once: commits, at most every 100 ms, each partition up to its first record not yet done. */
  private void commitDone() {
    if (System.nanoTime() - lastCommit < COMMIT_INTERVAL_NANOS) {
      return;
    }
    lastCommit = System.nanoTime();
    // exactly-once commits offsets in the worker's
    // transactions: there the tracker only measures lag
    Map<TopicPartition, OffsetAndMetadata> done = offsets.advance();
    if (!config.exactlyOnce() && !done.isEmpty()) {
      consumer.commitAsync(
          done,
          (committed, error) -> {
            if (error != null) {
              LOG.debug("An offset commit failed ({}); a later one covers it", error.toString());
            }
          });
    }
  }

  /**
   * Drops all queued work and waits for the batch in progress; with {@code commit}, makes what is
   * done durable first (acknowledged results' offsets, or the open transaction), else aborts the
   * open transaction. Then reads every assigned partition but {@code leaving} again from its
   * committed offset.
   */
  private void rewind(Collection<TopicPartition> leaving, boolean commit) {
    epoch++;
    batcher.clear();
    worker.exclusive(
        () -> {
          if (commit) {
            settle();
          } else {
            worker.abortOpen();
          }
          worker.recover();
        });
    offsets.clear();
    seeker.rewindAllBut(leaving);
    seeker.seek();
  }

  /** Makes what is done durable: the acknowledged offsets, or the open transaction (worker idle). */
  private void settle() {
    try {
      if (config.exactlyOnce()) {
        worker.finishOpen();
      } else {
        producer.flush();
        Map<TopicPartition, OffsetAndMetadata> done = offsets.advance();
        if (!done.isEmpty()) {
          consumer.commitSync(done);
        }
      }
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not commit what was done before a rewind ({}); it will be read again",
          e.toString());
    }
  }
}
