package io.maas.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service owns, idempotently: missing topics are created with their
 * partitions and configs, existing ones get their configs re-applied. Safe to run from
 * several instances at once. Partitions are never removed or added to an existing topic
 * (adding them would move keys between partitions); a topic with fewer than asked is logged.
 */
public final class TopicProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final Admin admin;

  public TopicProvisioner(Admin admin) {
    this.admin = admin;
  }

  /** Runs the blocking admin calls on a worker thread. */
  public Future<Void> ensure(Vertx vertx, Collection<TopicSpec> specs) {
    List<TopicSpec> copy = List.copyOf(specs);
    return vertx.executeBlocking(
        () -> {
          ensureBlocking(copy);
          return null;
        },
        false);
  }

  /** For callers already on a thread that may block (a plain Kafka client loop, a launcher). */
  public void ensureBlocking(Collection<TopicSpec> specs)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (specs.isEmpty()) {
      return;
    }
    Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    List<NewTopic> toCreate = new ArrayList<>();
    List<TopicSpec> present = new ArrayList<>();
    for (TopicSpec spec : specs) {
      if (existing.contains(spec.name())) {
        present.add(spec);
      } else {
        toCreate.add(
            new NewTopic(
                    spec.name(),
                    java.util.Optional.of(spec.partitions()),
                    java.util.Optional.empty())
                .configs(spec.configs()));
      }
    }
    for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> created :
        admin.createTopics(toCreate).values().entrySet()) {
      try {
        created.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("Created topic {}", created.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // Another instance created it between our list and create: that is fine.
      }
    }
    if (!toCreate.isEmpty()) {
      awaitLeaders(toCreate.stream().map(NewTopic::name).toList());
    }
    if (!present.isEmpty()) {
      reconcile(present);
    }
  }

  /**
   * Waits until the leader of every partition of new topics serves it. A leader named in the
   * metadata is not enough: the broker answers NOT_LEADER_OR_FOLLOWER for a moment after, and an
   * idempotent producer with several requests in flight then sees its first batch refused and
   * a later one accepted as the producer's first, so the first is retried forever as
   * OUT_OF_ORDER_SEQUENCE until its delivery timeout (reproduced by ProducerEpisodeIT). Listing
   * the partitions' offsets asks each leader itself, through the same check a produce passes.
   */
  private void awaitLeaders(List<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      if (served(topics)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "topics "
                + topics
                + " have partitions without a serving leader after "
                + TIMEOUT_SECONDS
                + " s");
      }
      Thread.sleep(50);
    }
  }

  private boolean served(List<String> topics) throws InterruptedException, TimeoutException {
    try {
      Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
      for (TopicDescription description :
          admin
              .describeTopics(topics)
              .allTopicNames()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .values()) {
        for (var partition : description.partitions()) {
          if (partition.leader() == null || partition.leader().isEmpty()) {
            return false;
          }
          partitions.put(
              new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest());
        }
      }
      admin
          .listOffsets(partitions, new ListOffsetsOptions().timeoutMs(2_000))
          .all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      // just created: the metadata may not know the topics yet, or a leader does not serve yet
      return false;
    }
  }

  private void reconcile(List<TopicSpec> present)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, TopicDescription> descriptions =
        admin
            .describeTopics(present.stream().map(TopicSpec::name).toList())
            .allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<ConfigResource, Collection<AlterConfigOp>> alterations = new HashMap<>();
    for (TopicSpec spec : present) {
      int partitions = descriptions.get(spec.name()).partitions().size();
      if (partitions < spec.partitions()) {
        LOG.warn(
            "Topic {} has {} partitions where {} are wanted; add them with kafka-topics.sh if the extra "
                + "parallelism is worth moving keys between partitions",
            spec.name(),
            partitions,
            spec.partitions());
      }
      if (!spec.configs().isEmpty()) {
        alterations.put(
            new ConfigResource(ConfigResource.Type.TOPIC, spec.name()),
            spec.configs().entrySet().stream()
                .map(
                    e ->
                        new AlterConfigOp(
                            new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList());
      }
    }
    if (!alterations.isEmpty()) {
      admin.incrementalAlterConfigs(alterations).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }
}
