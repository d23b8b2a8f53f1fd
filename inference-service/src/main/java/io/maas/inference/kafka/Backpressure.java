package io.maas.inference.kafka;

import io.maas.inference.model.Batcher;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Keeps memory bounded whatever the backlog in Kafka: when {@code highWater} requests are queued
 * in the {@link Batcher}, the consumer pauses its partitions until half have gone. On the
 * consumer's thread only; one per consumer.
 */
final class Backpressure {

  private final KafkaConsumer<String, byte[]> consumer;
  private final Batcher<?> batcher;
  private final int highWater;
  private boolean paused;

  Backpressure(KafkaConsumer<String, byte[]> consumer, Batcher<?> batcher, int highWater) {
    this.consumer = consumer;
    this.batcher = batcher;
    this.highWater = highWater;
  }

  /** Pauses or resumes the partitions, waiting up to 50 ms for the queue to drain while it is full; the next poll's timeout. */
  Duration hold() throws InterruptedException {
    if (batcher.size() >= highWater) {
      if (!paused) {
        consumer.pause(consumer.assignment());
        paused = true;
      }
      batcher.awaitBelow(highWater / 2, 50, TimeUnit.MILLISECONDS);
    }
    if (paused && batcher.size() < highWater / 2) {
      consumer.resume(consumer.paused());
      paused = false;
    }
    // paused: a poll only serves the group's heartbeats and rebalances
    return paused ? Duration.ZERO : Duration.ofMillis(100);
  }
}
