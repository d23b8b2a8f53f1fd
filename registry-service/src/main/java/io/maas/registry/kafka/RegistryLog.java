package io.maas.registry.kafka;

import io.maas.common.event.ModelDeployment;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.TopicSnapshot;
import io.maas.common.kafka.Topics;
import io.maas.registry.catalog.Catalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable state: records on the compacted {@code maas.registry} (key
 * {@code model/version} or {@code model/deployment}), and deployments published on
 * {@code maas.models}. A change counts only once Kafka acknowledged it (acks=all); the catalog
 * is updated after that, never before. Use from the owning verticle's context.
 */
public final class RegistryLog {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryLog.class);
  private static final Duration REPLAY_TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final KafkaClients clients;
  private final Catalog catalog;
  private KafkaProducer<String, byte[]> producer;

  public RegistryLog(Vertx vertx, KafkaClients clients, Catalog catalog) {
    this.vertx = vertx;
    this.clients = clients;
    this.catalog = catalog;
  }

  /**
   * Rebuilds the catalog from {@code maas.registry}, then republishes any deployment that
   * {@code maas.models} is missing (a crash between the two writes).
   */
  public Future<Void> start() {
    producer = clients.producer(vertx, "registry");
    return vertx
        .executeBlocking(
            () ->
                List.of(
                    TopicSnapshot.read(clients, Topics.REGISTRY, REPLAY_TIMEOUT),
                    TopicSnapshot.read(clients, Topics.MODELS, REPLAY_TIMEOUT)),
            false)
        .compose(
            snapshots -> {
              for (ConsumerRecord<String, byte[]> record : snapshots.get(0)) {
                catalog.apply(
                    record.key(),
                    record.value() == null
                        ? null
                        : new JsonObject(new String(record.value(), StandardCharsets.UTF_8)));
              }
              Map<String, Long> published = new HashMap<>();
              for (ConsumerRecord<String, byte[]> record : snapshots.get(1)) {
                if (record.value() != null) {
                  published.put(record.key(), ModelDeployment.decode(record.value()).revision());
                }
              }
              LOG.info(
                  "Registry state rebuilt from {}: {} models, {} records",
                  Topics.REGISTRY,
                  catalog.models().size(),
                  snapshots.get(0).size());
              return Future.all(
                      catalog.deployments().values().stream()
                          .filter(
                              d ->
                                  published.getOrDefault(d.deployment().model(), 0L)
                                      < d.deployment().revision())
                          .map(
                              d -> {
                                LOG.warn(
                                    "Republishing deployment of {} revision {}: {} missed it",
                                    d.deployment().model(),
                                    d.deployment().revision(),
                                    Topics.MODELS);
                                return publish(d.deployment());
                              })
                          .toList())
                  .mapEmpty();
            });
  }

  /** Writes a registry record; the catalog sees it once Kafka has acknowledged it. */
  public Future<Void> append(String key, JsonObject value) {
    return producer
        .send(KafkaProducerRecord.create(Topics.REGISTRY, key, value.toBuffer().getBytes()))
        .onSuccess(meta -> catalog.apply(key, value))
        .mapEmpty();
  }

  /** Publishes a model's desired state on {@code maas.models}. */
  public Future<Void> publish(ModelDeployment deployment) {
    return producer
        .send(
            KafkaProducerRecord.create(
                Topics.MODELS, deployment.model(), deployment.toBuffer().getBytes()))
        .mapEmpty();
  }

  public Future<Void> close() {
    return producer == null ? Future.succeededFuture() : producer.close();
  }
}
