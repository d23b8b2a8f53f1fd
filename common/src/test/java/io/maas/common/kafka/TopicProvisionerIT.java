package io.maas.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, KafkaExtension.class})
class TopicProvisionerIT {

  @Test
  void createsMissingTopicsWithPartitionsAndConfigsAndIsIdempotent(Vertx vertx, TestKafka kafka)
      throws Exception {
    String model = TestKafka.unique("prov");
    List<TopicSpec> specs =
        List.of(
            new TopicSpec("state." + model, 1, Map.of("cleanup.policy", "compact")),
            new TopicSpec(Topics.requests(model), 6, Map.of()));
    try (Admin admin = kafka.admin()) {
      TopicProvisioner provisioner = new TopicProvisioner(admin);

      // Three instances starting at once, then a restart: no error, one topic each.
      Future.all(
              provisioner.ensure(vertx, specs),
              provisioner.ensure(vertx, specs),
              provisioner.ensure(vertx, specs))
          .compose(v -> provisioner.ensure(vertx, specs))
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);

      var described =
          admin
              .describeTopics(List.of("state." + model, Topics.requests(model)))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      assertThat(described.get(Topics.requests(model)).partitions()).hasSize(6);
      assertThat(described.get("state." + model).partitions()).hasSize(1);
      assertThat(kafka.topicConfig("state." + model)).containsEntry("cleanup.policy", "compact");
    }
  }

  @Test
  void reappliesConfigsToAnExistingTopic(Vertx vertx, TestKafka kafka) throws Exception {
    String topic = TestKafka.unique("drifted");
    kafka.createTopic(topic, 1);
    assertThat(kafka.topicConfig(topic)).containsEntry("cleanup.policy", "delete");

    try (Admin admin = kafka.admin()) {
      new TopicProvisioner(admin)
          .ensure(vertx, List.of(new TopicSpec(topic, 1, Map.of("cleanup.policy", "compact"))))
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    }

    assertThat(kafka.topicConfig(topic)).containsEntry("cleanup.policy", "compact");
  }
}
