package io.maas.ingest.kafka;

/**
 * Kafka is known unreachable (its health probe gets no answer): nothing was published, or what
 * was handed to the producer is not acknowledged and so not promised. Answered 503
 * {@code kafka_unavailable} with {@code Retry-After}.
 */
public final class KafkaUnavailableException extends RuntimeException {

  public KafkaUnavailableException() {
    super("Kafka is unreachable", null, false, false);
  }
}
