package io.maas.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.ModelDeployment;
import io.maas.platform.EmbeddedKafka;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service started while its broker is down (./maas's supervisor restarting the broker, a
 * cluster not up yet) follows the deployments once the broker comes: the watcher's first
 * attempts fail and are made again, instead of ending the watcher for the life of the service.
 */
class DeploymentWatcherIT {

  @Test
  void followsTheDeploymentsOnceABrokerThatWasDownAtStartComes(@TempDir Path dir) throws Exception {
    int port;
    int controller;
    try (ServerSocket a = new ServerSocket(0);
        ServerSocket b = new ServerSocket(0)) {
      port = a.getLocalPort();
      controller = b.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    List<ModelDeployment> seen = new CopyOnWriteArrayList<>();
    KafkaClients clients = new KafkaClients("127.0.0.1:" + port, "test");
    DeploymentWatcher watcher =
        new DeploymentWatcher(clients, vertx.getOrCreateContext(), seen::add);
    try {
      watcher.start();
      // No broker: at least one attempt times out (partitionsFor waits 5 s) and is made again.
      Thread.sleep(7_000);
      assertThat(watcher.caughtUp()).isFalse();
      try (EmbeddedKafka kafka =
          EmbeddedKafka.start(
              dir.resolve("kafka"),
              "127.0.0.1",
              port,
              controller,
              Map.of(),
              Duration.ofSeconds(60))) {
        try (var admin = clients.admin()) {
          new TopicProvisioner(admin).ensureBlocking(List.of(Topics.modelsSpec()));
        }
        ModelDeployment deployment =
            new ModelDeployment(
                "late",
                1,
                new ModelDeployment.Slot(
                    1,
                    "http://127.0.0.1:8081/v1/models/late/versions/1/artifact",
                    "a".repeat(64),
                    null),
                null,
                null,
                System.currentTimeMillis());
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(new java.util.HashMap<>(clients.producerConfig("p")))) {
          producer
              .send(new ProducerRecord<>(Topics.MODELS, "late", deployment.toBuffer().getBytes()))
              .get(30, TimeUnit.SECONDS);
        }
        Awaitility.await("the deployment, once the broker is there")
            .atMost(Duration.ofSeconds(60))
            .until(() -> !seen.isEmpty() && watcher.caughtUp());
        assertThat(seen).extracting(ModelDeployment::model).containsExactly("late");
        watcher.close();
      }
    } finally {
      watcher.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
