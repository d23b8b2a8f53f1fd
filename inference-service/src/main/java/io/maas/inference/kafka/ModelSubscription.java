package io.maas.inference.kafka;

import io.maas.common.kafka.Topics;
import io.maas.inference.model.ModelManager;
import java.util.Collection;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Keeps the consumer subscribed to the request topics of the models with a loaded version: the
 * others' requests wait in Kafka, nothing is dropped. On the consumer's thread only, where the
 * rebalance callbacks run too (inside a poll); one per consumer.
 */
final class ModelSubscription {

  private final KafkaConsumer<String, byte[]> consumer;
  private final ModelManager models;
  private final ConsumerRebalanceListener listener;
  private Set<String> subscribed = Set.of();

  /**
   * @param revoked partitions given up in a rebalance: what is done is to be made durable, so the next owner does not repeat it
   * @param lost partitions already owned by another member: nothing of theirs can be committed
   */
  ModelSubscription(
      KafkaConsumer<String, byte[]> consumer,
      ModelManager models,
      Consumer<Collection<TopicPartition>> revoked,
      Consumer<Collection<TopicPartition>> lost) {
    this.consumer = consumer;
    this.models = models;
    this.listener =
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.accept(partitions);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lost.accept(partitions);
          }
        };
  }

  /** Follows the models served now; false while none is, and there is nothing to poll. */
  boolean follow() {
    Set<String> served = models.servedModels();
    if (!served.equals(subscribed)) {
      subscribed = served;
      if (served.isEmpty()) {
        consumer.unsubscribe();
      } else {
        consumer.subscribe(served.stream().map(Topics::requests).toList(), listener);
      }
    }
    return !subscribed.isEmpty();
  }
}
