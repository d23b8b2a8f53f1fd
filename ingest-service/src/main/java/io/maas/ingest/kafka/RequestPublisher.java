package io.maas.ingest.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Publishes the records of one HTTP call and tells when Kafka has acknowledged all of them
 * (the producer waits for every in-sync replica). It bounds what is outstanding: at most
 * {@code maxInFlight} records and about {@link #MAX_PENDING_BYTES} bytes handed to the producer and
 * not yet acknowledged; a caller checks {@link #hasRoomFor(int)} first and answers 429 otherwise.
 *
 * <p>While Kafka is known unreachable ({@code reachable} says no) nothing is handed to the producer:
 * a publish fails at once with {@link KafkaUnavailableException}, and {@link #abandon} fails those
 * still waiting for their acknowledgement the same way, so that no caller waits for the producer's
 * delivery timeout. Their records may still reach Kafka once it is back: a caller told "not
 * published" may find its request answered, never the other way round.
 *
 * <p>Confined to the context of the verticle that created it: acknowledgements come back on that
 * context, so the counter needs no locking.
 */
public final class RequestPublisher {

  /** Bytes awaiting acknowledgement above which no new call is taken (the producer's write queue). */
  public static final int MAX_PENDING_BYTES = 64 * 1024 * 1024;

  private static final long CLOSE_TIMEOUT_MS = 15_000;

  /** One record: key (request id, or null) and value bytes. */
  public record Record(String key, byte[] value) {}

  private final KafkaProducer<String, byte[]> producer;
  private final int maxInFlight;
  private final BooleanSupplier reachable;
  private final Set<Promise<Void>> waiting = new HashSet<>();
  private int inFlight;

  /** @param reachable whether Kafka is reachable now (false: refuse at once) */
  public RequestPublisher(
      KafkaProducer<String, byte[]> producer, int maxInFlight, BooleanSupplier reachable) {
    this.producer = producer;
    this.maxInFlight = maxInFlight;
    this.reachable = reachable;
    producer.setWriteQueueMaxSize(MAX_PENDING_BYTES);
    // Each failed send fails its own future, which the caller answers; without a handler Vert.x
    // would also log every one as an "Unhandled exception" (hundreds while the broker is gone).
    producer.exceptionHandler(e -> {});
  }

  /** Whether {@code records} more may be published now without passing either bound. */
  public boolean hasRoomFor(int records) {
    return inFlight + records <= maxInFlight && !producer.writeQueueFull();
  }

  /** Records handed to the producer and not yet acknowledged (or failed). */
  public int inFlight() {
    return inFlight;
  }

  /**
   * Publishes every record; succeeds once Kafka acknowledged all, fails with the first failure, or
   * with {@link KafkaUnavailableException} when Kafka is (or becomes) known unreachable first.
   */
  public Future<Void> publish(String topic, List<Record> records) {
    if (!reachable.getAsBoolean()) {
      return Future.failedFuture(new KafkaUnavailableException());
    }
    inFlight += records.size();
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (Record record : records) {
      acks.add(
          producer
              .send(KafkaProducerRecord.create(topic, record.key(), record.value()))
              .onComplete(ar -> inFlight--));
    }
    Promise<Void> promise = Promise.promise();
    waiting.add(promise);
    Future.all(acks)
        .onComplete(
            ar -> {
              waiting.remove(promise);
              if (ar.succeeded()) {
                promise.tryComplete();
              } else {
                promise.tryFail(ar.cause());
              }
            });
    return promise.future();
  }

  /**
   * Fails every publish still waiting for Kafka's acknowledgement with {@link KafkaUnavailableException};
   * their records stay with the producer (and count in flight) until delivered or timed out.
   */
  public void abandon() {
    if (waiting.isEmpty()) {
      return;
    }
    List<Promise<Void>> abandoned = List.copyOf(waiting);
    waiting.clear();
    abandoned.forEach(p -> p.tryFail(new KafkaUnavailableException()));
  }

  /** Sends what is buffered, waiting up to 15 s, then closes the producer. */
  public Future<Void> close() {
    return producer.close(CLOSE_TIMEOUT_MS);
  }
}
