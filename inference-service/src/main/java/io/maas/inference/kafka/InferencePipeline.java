package io.maas.inference.kafka;

import io.maas.common.event.EventException;
import io.maas.common.event.InferenceRequest;
import io.maas.common.kafka.ConsumerThread;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.common.metrics.MaasMetrics;
import io.maas.common.profile.TextDescriptors;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.kafka.ModelWorker.Pending;
import io.maas.inference.model.Batcher;
import io.maas.inference.model.ModelManager;
import io.maas.inference.model.ServedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the read-classify-write loop, on a dedicated thread: one plain Kafka consumer
 * (the group every instance shares, subscribed to the request topics of the models it serves)
 * that decodes what the polls bring and queues it in the {@link Batcher}, where the
 * {@link ModelWorker} cuts batches for TensorFlow on its own thread. Decoding the next requests
 * thus overlaps the model call, and nothing Kafka-bound runs on an event loop; exactly-once mode
 * can send offsets to the transaction (vertx-kafka-client 5.0.7 cannot).
 *
 * <p>Only models with a loaded version are subscribed: the others' requests wait in Kafka,
 * nothing is dropped. When more than four batches are queued, the consumer pauses its partitions
 * until half have gone, so memory stays bounded whatever the backlog in Kafka.
 *
 * <p>Delivery: at-least-once commits each partition up to its first record whose outputs are not
 * yet acknowledged (asynchronously, every 100 ms); exactly-once leaves offsets to the worker's
 * transactions. After a failure, a lost partition or a revocation, the queued work is dropped
 * and the remaining partitions are read again from their committed offsets. While Kafka cannot
 * tell those offsets (the broker is gone: a failure is most often why the rewind happens), the
 * loop asks again rather than poll, and never gives up: nothing read after them is taken for done.
 *
 * <p>Lag: once a second this thread sets {@code maas_consumer_lag{group,topic}} and
 * {@code maas_consumer_lag_seconds{group,topic}} for the request topics it is assigned, from
 * what the consumer already knows (the log end it fetched up to, no remote call) and the
 * {@link OffsetTracker}'s records in flight ({@link ConsumerLag}).
 */
public final class InferencePipeline extends ConsumerThread implements ModelWorker.Owner {

  private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);

  /**
   * At-least-once commits at most this often: each one is a write to {@code __consumer_offsets},
   * and a crash repeats at most this much more work (Kafka Streams uses the same for exactly-once).
   */
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long LAG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** How long one attempt to read committed offsets may block; the loop tries again after it. */
  private static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(5);

  private final InferenceConfig config;
  private final KafkaClients clients;
  private final ModelManager models;
  private final Batcher<Pending> batcher;
  private final OffsetTracker offsets = new OffsetTracker();
  private final ConsumerLag lag = new ConsumerLag(System::currentTimeMillis);
  /** Assigned partitions a rewind dropped work of, still to be sought to their committed offsets. */
  private final Set<TopicPartition> unsought = new HashSet<>();
  private long unsoughtSince = -1;
  private Set<String> lagTopics = Set.of();
  private long lastLag;
  private volatile boolean polling;
  private volatile long epoch;
  private volatile ConsumerGroupMetadata groupMetadata;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private volatile ModelWorker worker;

  public InferencePipeline(InferenceConfig config, KafkaClients clients, ModelManager models) {
    super("maas-inference-pipeline", false, 30_000);
    this.config = config;
    this.clients = clients;
    this.models = models;
    this.batcher = new Batcher<>(config.batchSize(), config.batchWaitMs(), TimeUnit.MILLISECONDS, Pending::receivedNanos);
  }

  /** Whether the loop and its model worker are alive and polling. */
  public boolean polling() {
    return polling && alive() && worker != null && worker.alive();
  }

  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public ConsumerGroupMetadata groupMetadata() {
    return groupMetadata;
  }

  @Override
  protected void run() {
    // A pipeline that fails (its producer fenced, a client call that outlived an outage) starts
    // over with a new consumer and producer, from the committed offsets.
    untilStopped("The inference pipeline", LOG, this::pipeline);
  }

  private void pipeline() throws InterruptedException {
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
      worker = new ModelWorker(config, models, batcher, p, this);
      worker.start();
      try {
        loop(c);
      } finally {
        polling = false;
        forgetLag();
        worker.stop();
        batcher.clear();
        worker.exclusive(this::settle);
      }
    } finally {
      polling = false;
    }
  }

  private void loop(KafkaConsumer<String, byte[]> c) throws InterruptedException {
    ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Make what is done durable, so the next owner does not repeat it.
        rewind(partitions, true);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        rewind(partitions, false);
      }
    };
    Set<String> subscribed = Set.of();
    int highWater = config.batchSize() * 4;
    boolean paused = false;
    long lastCommit = System.nanoTime();
    lastLag = System.nanoTime() - LAG_INTERVAL_NANOS;
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
      reportLag(c);
      if (subscribed.isEmpty()) {
        Thread.sleep(100);
        continue;
      }
      if (!seekCommitted()) {
        Thread.sleep(500);
        continue;
      }
      Exception failure = worker.failure();
      if (failure instanceof ProducerFencedException) {
        // The coordinator fences a producer whose transaction outlived transaction.timeout.ms (a
        // broker outage), and so does another instance with the same id: a new producer takes the
        // id back, and two instances sharing a name keep fencing each other, with this line logged.
        throw new IllegalStateException("the transactional id " + config.groupId() + "-" + config.worker()
            + " was fenced: by the coordinator after a transaction outlived its timeout, or by another instance"
            + " (each needs its own MAAS_INFERENCE_WORKER)", failure);
      }
      if (failure != null) {
        rewind(Set.of(), true);
      }
      if (batcher.size() >= highWater) {
        if (!paused) {
          c.pause(c.assignment());
          paused = true;
        }
        batcher.awaitBelow(highWater / 2, 50, TimeUnit.MILLISECONDS);
      }
      if (paused && batcher.size() < highWater / 2) {
        c.resume(c.paused());
        paused = false;
      }
      queue(c.poll(paused ? Duration.ZERO : Duration.ofMillis(100)));
      if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL_NANOS) {
        lastCommit = System.nanoTime();
        // exactly-once commits offsets in the worker's transactions: there the tracker only measures lag
        Map<TopicPartition, OffsetAndMetadata> done = offsets.advance();
        if (!config.exactlyOnce() && !done.isEmpty()) {
          c.commitAsync(done, (committed, error) -> {
            if (error != null) {
              LOG.debug("An offset commit failed ({}); a later one covers it", error.toString());
            }
          });
        }
      }
    }
  }

  /**
   * Decodes what a poll brought and queues it per model, in offset order. The text's descriptors
   * against the production version's vocabulary are computed here, beside the decoding, rather
   * than on the model's thread, which is the one that limits throughput.
   */
  private void queue(ConsumerRecords<String, byte[]> records) {
    if (config.exactlyOnce()) {
      // after a rebalance, before the first batch of the new generation is cut
      groupMetadata = consumer.groupMetadata();
    }
    if (records.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    long fetchedAt = System.currentTimeMillis();
    Map<String, List<Pending>> byModel = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      String model = Topics.modelOfRequests(partition.topic());
      if (model == null) {
        continue;
      }
      ServedModel.Slots slots = models.slots(model);
      Set<String> vocabulary = slots == null ? null : slots.production().vocabulary();
      List<Pending> queued = byModel.computeIfAbsent(model, m -> new ArrayList<>());
      for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
        InferenceRequest request = null;
        EventException refused = null;
        try {
          request = InferenceRequest.decode(record.value() == null ? new byte[0] : record.value(),
              new InferenceRequest.Defaults(model, record.key() == null ? null : record::key, record.timestamp(),
                  config.maxTextBytes()));
        } catch (EventException e) {
          refused = e;
        }
        TextDescriptors descriptors = request == null || slots == null ? null : TextDescriptors.of(request.text(), vocabulary);
        OffsetTracker.Mark mark = offsets.track(partition, record.offset(),
            record.timestamp() >= 0 ? record.timestamp() : fetchedAt);
        queued.add(new Pending(record, request, refused, now, epoch, mark, descriptors, vocabulary));
      }
    }
    byModel.forEach(batcher::offer);
  }

  /** Sets the lag gauges of the assigned request topics, at most once a second; drops those of topics no longer assigned. */
  private void reportLag(KafkaConsumer<String, byte[]> c) {
    long now = System.nanoTime();
    if (now - lastLag < LAG_INTERVAL_NANOS) {
      return;
    }
    lastLag = now;
    List<ConsumerLag.Partition> partitions = new ArrayList<>();
    for (TopicPartition tp : c.assignment()) {
      OffsetTracker.InFlight inFlight = offsets.inFlight(tp);
      // empty until the consumer has fetched from the partition once: nothing known to be behind yet
      long behind = c.currentLag(tp).orElse(0);
      partitions.add(new ConsumerLag.Partition(tp, behind, inFlight.records(), inFlight.oldestTimestamp()));
    }
    Map<String, ConsumerLag.Topic> topics = lag.measure(partitions);
    topics.forEach((topic, l) -> {
      MaasMetrics.CONSUMER_LAG.labels(config.groupId(), topic).set(l.records());
      MaasMetrics.CONSUMER_LAG_SECONDS.labels(config.groupId(), topic).set(l.seconds());
    });
    for (String topic : lagTopics) {
      if (!topics.containsKey(topic)) {
        MaasMetrics.CONSUMER_LAG.remove(config.groupId(), topic);
        MaasMetrics.CONSUMER_LAG_SECONDS.remove(config.groupId(), topic);
      }
    }
    lagTopics = Set.copyOf(topics.keySet());
  }

  private void forgetLag() {
    for (String topic : lagTopics) {
      MaasMetrics.CONSUMER_LAG.remove(config.groupId(), topic);
      MaasMetrics.CONSUMER_LAG_SECONDS.remove(config.groupId(), topic);
    }
    lagTopics = Set.of();
  }

  /**
   * Drops all queued work and waits for the batch in progress; with {@code commit}, makes what is
   * done durable first (acknowledged results' offsets, or the open transaction). Then reads every
   * assigned partition but {@code leaving} again from its committed offset.
   */
  private void rewind(Collection<TopicPartition> leaving, boolean commit) {
    epoch++;
    batcher.clear();
    worker.exclusive(() -> {
      if (commit) {
        settle();
      } else if (config.exactlyOnce()) {
        worker.abortTransaction();
      }
      worker.recover();
    });
    offsets.clear();
    unsought.addAll(consumer.assignment());
    unsought.removeAll(leaving);
    seekCommitted();
  }

  /**
   * Seeks the partitions a rewind left to their committed offsets; false while Kafka cannot tell
   * them, and the loop polls none of its partitions until it can. Also called from the rebalance
   * listener, so it never throws for a broker that does not answer.
   */
  private boolean seekCommitted() {
    unsought.retainAll(consumer.assignment());
    if (unsought.isEmpty()) {
      return true;
    }
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = consumer.committed(Set.copyOf(unsought), COMMITTED_TIMEOUT);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      if (unsoughtSince < 0) {
        unsoughtSince = System.nanoTime();
        LOG.warn("Cannot read the committed offsets of {} partitions to read them again ({}); polling waits until "
            + "Kafka answers", unsought.size(), e.toString());
      }
      return false;
    }
    for (TopicPartition tp : unsought) {
      OffsetAndMetadata at = committed.get(tp);
      if (at == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, at.offset());
      }
    }
    if (unsoughtSince >= 0) {
      LOG.info("Read the committed offsets of {} partitions after {} s; polling again", unsought.size(),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - unsoughtSince));
      unsoughtSince = -1;
    }
    unsought.clear();
    return true;
  }

  /** Makes what is done durable: the acknowledged offsets, or the open transaction (worker idle). */
  private void settle() {
    try {
      if (config.exactlyOnce()) {
        worker.finishTransaction();
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
      LOG.warn("Could not commit what was done before a rewind ({}); it will be read again", e.toString());
    }
  }
}
