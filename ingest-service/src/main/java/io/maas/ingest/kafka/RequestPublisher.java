package io.maas.ingest.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the records of one HTTP call and tells when Kafka has acknowledged all of them
 * (the producer waits for every in-sync replica). It bounds what is outstanding: at most
 * {@code maxInFlight} records and about {@link #MAX_PENDING_BYTES} bytes handed to the producer and
 * not yet acknowledged; a caller checks {@link #hasRoomFor(int)} first and answers 429 otherwise.
 *
 * <p>Confined to the context of the verticle that created it: acknowledgements come back on that
 * context, so the counter needs no locking.
 */
public final class RequestPublisher {

  /** Bytes awaiting acknowledgement above which no new call is taken (the producer's write queue). */
  public static final int MAX_PENDING_BYTES = 64 * 1024 * 1024;
  private static final long CLOSE_TIMEOUT_MS = 15_000;

  /** One record: key (request id, or null) and value bytes. */
  public record Record(String key, byte[] value) {
  }

  private final KafkaProducer<String, byte[]> producer;
  private final int maxInFlight;
  private int inFlight;

  public RequestPublisher(KafkaProducer<String, byte[]> producer, int maxInFlight) {
    this.producer = producer;
    this.maxInFlight = maxInFlight;
    producer.setWriteQueueMaxSize(MAX_PENDING_BYTES);
  }

  /** Whether {@code records} more may be published now without passing either bound. */
  public boolean hasRoomFor(int records) {
    return inFlight + records <= maxInFlight && !producer.writeQueueFull();
  }

  /** Records handed to the producer and not yet acknowledged (or failed). */
  public int inFlight() {
    return inFlight;
  }

  /** Publishes every record; succeeds once Kafka acknowledged all, fails with the first failure. */
  public Future<Void> publish(String topic, List<Record> records) {
    inFlight += records.size();
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (Record record : records) {
      acks.add(producer.send(KafkaProducerRecord.create(topic, record.key(), record.value()))
          .onComplete(ar -> inFlight--));
    }
    return Future.all(acks).mapEmpty();
  }

  /** Sends what is buffered, waiting up to 15 s, then closes the producer. */
  public Future<Void> close() {
    return producer.close(CLOSE_TIMEOUT_MS);
  }
}
