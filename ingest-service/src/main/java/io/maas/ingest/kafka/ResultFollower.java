package io.maas.ingest.kafka;

import io.maas.common.event.EventException;
import io.maas.common.event.InferenceResult;
import io.maas.common.kafka.ConsumerThread;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the answers of synchronous {@code :predict} calls back from {@code maas.results.<model>}.
 *
 * <p>Every ingest instance runs one plain Kafka consumer, without a consumer group, on its own
 * thread. It assigns itself every partition of each results topic it needs and starts at the
 * topic's end offsets of the moment it starts following it; a caller waits for {@link #follow}
 * before publishing the model's first request, so no answer can be written before the consumer's
 * position. Each instance thus reads every result of the models it follows, completes the calls
 * it is waiting for (by request id), and skips the rest, which other instances are waiting for.
 * This is simple and correct with any number of instances, needs no reply topics, no routing of
 * answers to the instance that asked, and no group rebalances; the cost is that results traffic
 * is read once per ingest instance. See docs/ARCHITECTURE.md, "Synchronous :predict with several
 * ingest instances".
 *
 * <p>Threading: {@link #follow}, {@link #expect} and {@link #forget} are called on the owning
 * verticle's context, and handlers run there ({@code context.runOnContext}). The consumer thread
 * reads the id map only to skip records before decoding them.
 */
public final class ResultFollower extends ConsumerThread {

  private static final Logger LOG = LoggerFactory.getLogger(ResultFollower.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaClients clients;
  private final Context context;
  private final Map<String, Consumer<InferenceResult>> expected = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> followed = new HashMap<>();
  private final BlockingQueue<Follow> follows = new LinkedBlockingQueue<>();

  private record Follow(String model, Promise<Void> promise) {}

  /** @param context where handlers run and where the methods of this class are called */
  public ResultFollower(KafkaClients clients, Context context) {
    super("maas-ingest-results", true, 10_000);
    this.clients = clients;
    this.context = context;
  }

  /**
   * Completes once the consumer reads {@code maas.results.<model>} from a position no later than
   * now: every result written after this completes will be seen. Fails when the topic does not
   * exist (the next call tries again).
   */
  public Future<Void> follow(String model) {
    Future<Void> known = followed.get(model);
    if (known != null) {
      return known;
    }
    Promise<Void> promise = Promise.promise();
    Future<Void> future = promise.future();
    followed.put(model, future);
    future.onFailure(e -> followed.remove(model, future));
    follows.add(new Follow(model, promise));
    return future;
  }

  /** Hands the result for {@code id} to {@code handler}, once; false when the id is already awaited. */
  public boolean expect(String id, Consumer<InferenceResult> handler) {
    return expected.putIfAbsent(id, handler) == null;
  }

  /** Whether a call on this instance awaits {@code id}. */
  public boolean isExpected(String id) {
    return expected.containsKey(id);
  }

  /** Stops waiting for {@code id} (answered, timed out or failed). */
  public void forget(String id, Consumer<InferenceResult> handler) {
    expected.remove(id, handler);
  }

  /** How many ids calls on this instance await. */
  public int expectedCount() {
    return expected.size();
  }

  @Override
  protected void run() {
    Map<String, Object> config = new HashMap<>(clients.consumerConfig("results", null));
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      attach(c);
      Set<TopicPartition> assigned = new HashSet<>();
      while (running()) {
        try {
          // Nothing assigned yet: poll() would refuse, so wait for the first topic to follow.
          Follow follow =
              assigned.isEmpty() ? follows.poll(500, TimeUnit.MILLISECONDS) : follows.poll();
          while (follow != null) {
            startFollowing(c, assigned, follow);
            follow = follows.poll();
          }
          if (!assigned.isEmpty()) {
            deliver(c.poll(POLL));
          }
        } catch (WakeupException | InterruptException | InterruptedException e) {
          break; // closing
        } catch (RuntimeException e) {
          LOG.warn("Reading :predict answers failed, retrying in a second: {}", e.getMessage(), e);
          pause();
        }
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      stopRunning();
    }
  }

  private void startFollowing(
      KafkaConsumer<String, byte[]> c, Set<TopicPartition> assigned, Follow follow) {
    String topic = Topics.results(follow.model());
    try {
      List<PartitionInfo> infos = c.partitionsFor(topic, METADATA_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      List<TopicPartition> added =
          infos.stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .filter(p -> !assigned.contains(p))
              .toList();
      Map<TopicPartition, Long> ends = c.endOffsets(added, METADATA_TIMEOUT);
      Set<TopicPartition> all = new HashSet<>(assigned);
      all.addAll(added);
      // assign() keeps the positions of partitions that
      // stay assigned; the new ones start at their end.
      c.assign(all);
      ends.forEach(c::seek);
      assigned.addAll(added);
      LOG.info(
          "Following {} ({} partitions) from its end for :predict answers", topic, added.size());
      context.runOnContext(v -> follow.promise().complete());
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("Cannot follow {} for :predict answers: {}", topic, e.getMessage());
      context.runOnContext(v -> follow.promise().fail(e));
    }
  }

  private void deliver(ConsumerRecords<String, byte[]> records) {
    List<InferenceResult> results = null;
    for (ConsumerRecord<String, byte[]> record : records) {
      // The key is the request id: skip other instances' answers without decoding them.
      if (record.value() == null || (record.key() != null && !expected.containsKey(record.key()))) {
        continue;
      }
      try {
        InferenceResult result = InferenceResult.decode(record.value());
        if (results == null) {
          results = new ArrayList<>();
        }
        results.add(result);
      } catch (EventException e) {
        LOG.warn(
            "Ignoring a malformed result on {} partition {} offset {}: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            e.getMessage());
      }
    }
    if (results != null) {
      List<InferenceResult> batch = results;
      context.runOnContext(v -> batch.forEach(this::complete));
    }
  }

  private void complete(InferenceResult result) {
    Consumer<InferenceResult> handler = expected.remove(result.id());
    if (handler != null) {
      handler.accept(result);
    }
  }
}
