package io.maas.common.kafka;

import io.maas.common.event.EventException;
import io.maas.common.event.ModelDeployment;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code maas.models} from its beginning for as long as the service runs, and hands
 * every newer {@link ModelDeployment} revision to a listener on the service's Vert.x context.
 * A plain consumer without a group on its own thread: every instance sees every deployment.
 */
public final class DeploymentWatcher extends ConsumerThread {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentWatcher.class);

  private final KafkaClients clients;
  private final Context context;
  private final Consumer<ModelDeployment> listener;
  private final Map<String, Long> revisions = new HashMap<>();
  private volatile boolean caughtUp;

  public DeploymentWatcher(
      KafkaClients clients, Context context, Consumer<ModelDeployment> listener) {
    super("maas-deployment-watcher", true, 10_000);
    this.clients = clients;
    this.context = context;
    this.listener = listener;
  }

  /** Whether every deployment that existed at start has been handed over. */
  public boolean caughtUp() {
    return caughtUp;
  }

  @Override
  protected void run() {
    untilStopped("Following " + Topics.MODELS, LOG, this::follow);
  }

  private void follow() {
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            new HashMap<>(clients.consumerConfig("deployments", null)),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      attach(c);
      List<TopicPartition> partitions = List.of();
      while (running() && partitions.isEmpty()) {
        // The registry creates maas.models; until it has, there is nothing to follow.
        partitions =
            c.partitionsFor(Topics.MODELS, Duration.ofSeconds(5)).stream()
                .map(p -> new TopicPartition(Topics.MODELS, p.partition()))
                .toList();
        if (partitions.isEmpty()) {
          sleep();
        }
      }
      c.assign(partitions);
      // From the beginning again after a failure too: revisions already handed over are skipped.
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      while (running()) {
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
          handle(record);
        }
        if (!caughtUp && partitions.stream().allMatch(p -> c.position(p) >= end.get(p))) {
          context.runOnContext(v -> caughtUp = true);
        }
      }
    }
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    ModelDeployment deployment;
    try {
      deployment = ModelDeployment.decode(record.value());
    } catch (EventException e) {
      LOG.warn(
          "Ignoring a malformed deployment of {} at offset {}: {}",
          record.key(),
          record.offset(),
          e.getMessage());
      return;
    }
    Long known = revisions.get(deployment.model());
    if (known == null || deployment.revision() > known) {
      revisions.put(deployment.model(), deployment.revision());
      context.runOnContext(v -> listener.accept(deployment));
    }
  }

  private void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopRunning();
    }
  }
}
