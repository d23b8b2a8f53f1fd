package io.maas.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.ServiceProcess;
import io.maas.testkit.TestKafka;
import io.maas.trainer.data.Example;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real inference processes in one consumer group while requests stream: the second one's
 * arrival and the first one's departure each move partitions, and every request still gets a
 * result, from the instance that owned its partition at the time.
 */
@ExtendWith(KafkaExtension.class)
class RebalanceIT {

  private static final int REQUESTS = 12_000;

  @TempDir
  Path dir;

  @Test
  void instancesShareThePartitionsAndRebalancesLoseNothing(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("share");
    String results = "maas.results." + model;
    try (TestPlatform platform = new TestPlatform(kafka, dir)) {
      platform.register(model, 1);
      platform.deploy(model, "{\"production\":1}");
      List<String> texts = platform.trainingExamples.stream().map(Example::text).toList();
      // about 1,000 requests a second for 12 s: both rebalances happen while they stream
      CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
        try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
          for (int i = 0; i < REQUESTS; i++) {
            String id = "r-" + i;
            producer.send(new ProducerRecord<>("maas.requests." + model, id, new InferenceRequest(id, model,
                texts.get(i % texts.size()), System.currentTimeMillis(), null, Map.of()).toBuffer().getBytes()));
            if (i % 100 == 99) {
              Thread.sleep(100);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });

      Map<String, String> env = platform.serviceEnv(Map.of("MAAS_INFERENCE_GROUP", "share-" + model));
      try (ServiceProcess a = start(env, "a"); ServiceProcess b = start(env, "b")) {
        Map<String, Set<String>> byWorker = new HashMap<>();
        Awaitility.await("results from both instances").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> answered(kafka, results, byWorker).size() == 2);
        a.terminate();
        assertThat(a.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
        streaming.get();

        Awaitility.await("every result").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> answered(kafka, results, byWorker).values().stream().mapToLong(Set::size).sum() >= REQUESTS
                && union(byWorker).size() == REQUESTS);
        assertThat(byWorker).containsOnlyKeys("a", "b");
        assertThat(byWorker.get("b")).as("b answers once a has gone").contains("r-" + (REQUESTS - 1));
        b.terminate();
        assertThat(b.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
      }
    }
  }

  private ServiceProcess start(Map<String, String> base, String worker) throws Exception {
    Map<String, String> env = new HashMap<>(base);
    int port = TestPlatform.freePort();
    env.put("MAAS_INFERENCE_PORT", String.valueOf(port));
    env.put("MAAS_INFERENCE_WORKER", worker);
    ServiceProcess process = ServiceProcess.start(Main.class, env, dir.resolve(worker + ".log"));
    Awaitility.await(worker + " ready").atMost(Duration.ofSeconds(120)).ignoreExceptions()
        .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);
    return process;
  }

  /** Ids answered so far, by the worker that answered them. */
  private static Map<String, Set<String>> answered(TestKafka kafka, String topic, Map<String, Set<String>> byWorker) {
    byWorker.clear();
    for (ConsumerRecord<String, byte[]> r : kafka.read(topic, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
      InferenceResult result = InferenceResult.decode(r.value());
      byWorker.computeIfAbsent(result.worker(), w -> new HashSet<>()).add(result.id());
    }
    return byWorker;
  }

  private static Set<String> union(Map<String, Set<String>> byWorker) {
    Set<String> all = new HashSet<>();
    byWorker.values().forEach(all::addAll);
    return all;
  }
}
