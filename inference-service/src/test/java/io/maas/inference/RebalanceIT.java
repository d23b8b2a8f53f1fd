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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real inference processes in one consumer group while requests stream: the second one's
 * arrival and the first one's departure each move partitions, and every request still gets a
 * result, from the instance that owned its partition at the time.
 *
 * <p>Requests stream until the test has seen each phase happen (both instances answering, then
 * the second one answering what was sent after the first one left), not for a fixed time: on a
 * busy machine a JVM with TensorFlow takes longer to start than a fixed stream lasted, and the
 * second instance then joined a group with nothing left to do.
 */
@ExtendWith(KafkaExtension.class)
class RebalanceIT {

  private static final Duration PHASE = Duration.ofSeconds(180);

  @TempDir Path dir;

  @Test
  void instancesShareThePartitionsAndRebalancesLoseNothing(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("share");
    try (TestPlatform platform = new TestPlatform(kafka, dir)) {
      platform.register(model, 1);
      platform.deploy(model, "{\"production\":1}");
      List<String> texts = platform.trainingExamples.stream().map(Example::text).toList();
      Map<String, String> env =
          platform.serviceEnv(Map.of("MAAS_INFERENCE_GROUP", "share-" + model));
      try (Results results = new Results(kafka, "maas.results." + model);
          ServiceProcess a = start(env, "a");
          Stream stream = new Stream(kafka, model, texts)) {
        Awaitility.await("results from a").atMost(PHASE).until(() -> results.answeredBy("a") > 0);

        try (ServiceProcess b = start(env, "b")) {
          Awaitility.await("results from both instances")
              .atMost(PHASE)
              .until(() -> results.answeredBy("b") > 0);
          a.terminate();
          assertThat(a.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
          int sentWhenAWasGone = stream.sent();
          Awaitility.await("b answers what was sent after a left")
              .atMost(PHASE)
              .until(() -> "b".equals(results.worker("r-" + sentWhenAWasGone)));

          int sent = stream.stop();
          Awaitility.await("every result").atMost(PHASE).until(() -> results.distinct() >= sent);
          assertThat(results.workers()).containsOnly("a", "b");
          assertThat(results.distinct()).as("ids answered, of %d sent", sent).isEqualTo(sent);
          assertThat(results.worker("r-" + (sent - 1)))
              .as("b answers once a has gone")
              .isEqualTo("b");
          b.terminate();
          assertThat(b.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
        }
      }
    }
  }

  private ServiceProcess start(Map<String, String> base, String worker) throws Exception {
    Map<String, String> env = new HashMap<>(base);
    int port = TestPlatform.freePort();
    env.put("MAAS_INFERENCE_PORT", String.valueOf(port));
    env.put("MAAS_INFERENCE_WORKER", worker);
    ServiceProcess process = ServiceProcess.start(Main.class, env, dir.resolve(worker + ".log"));
    try {
      Awaitility.await(worker + " ready")
          .atMost(PHASE)
          .ignoreExceptions()
          .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      String ready = "(no answer)";
      try {
        ready = HttpProbe.get(port, "/health/ready").body();
      } catch (RuntimeException ignored) {
        // reported as no answer
      }
      process.close();
      throw new AssertionError(
          worker
              + " not ready within "
              + PHASE
              + "; /health/ready: "
              + ready
              + "; its log:\n"
              + process.log(),
          e);
    }
    return process;
  }

  /** About 1,000 requests a second, ids r-0, r-1, ..., until stopped; every one acknowledged. */
  private static final class Stream implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread thread;

    Stream(TestKafka kafka, String model, List<String> texts) {
      thread =
          new Thread(
              () -> {
                try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
                  for (int i = 0; running.get(); i++) {
                    String id = "r-" + i;
                    producer.send(
                        new ProducerRecord<>(
                            "maas.requests." + model,
                            id,
                            new InferenceRequest(
                                    id,
                                    model,
                                    texts.get(i % texts.size()),
                                    System.currentTimeMillis(),
                                    null,
                                    Map.of())
                                .toBuffer()
                                .getBytes()));
                    sent.set(i + 1);
                    if (i % 100 == 99) {
                      Thread.sleep(100);
                    }
                  }
                  producer.flush();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "rebalance-stream");
      thread.start();
    }

    int sent() {
      return sent.get();
    }

    /** Stops sending; how many were sent, all acknowledged by the broker. */
    int stop() throws InterruptedException {
      running.set(false);
      thread.join(60_000);
      assertThat(thread.isAlive()).as("the producer flushed").isFalse();
      return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  /** Follows a results topic from its beginning: the worker that answered each id. */
  private static final class Results implements AutoCloseable {
    private final Map<String, String> byId = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Results(TestKafka kafka, String topic) {
      Properties props = new Properties();
      props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      thread =
          new Thread(
              () -> {
                try (KafkaConsumer<String, byte[]> consumer =
                    new KafkaConsumer<>(
                        props, new StringDeserializer(), new ByteArrayDeserializer())) {
                  List<TopicPartition> partitions =
                      consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                          .map(p -> new TopicPartition(topic, p.partition()))
                          .toList();
                  consumer.assign(partitions);
                  consumer.seekToBeginning(partitions);
                  while (running.get()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                      InferenceResult result = InferenceResult.decode(r.value());
                      byId.putIfAbsent(result.id(), result.worker());
                    }
                  }
                }
              },
              "rebalance-results");
      thread.start();
    }

    long answeredBy(String worker) {
      return byId.values().stream().filter(worker::equals).count();
    }

    String worker(String id) {
      return byId.get(id);
    }

    int distinct() {
      return byId.size();
    }

    java.util.Set<String> workers() {
      return new java.util.HashSet<>(byId.values());
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }
}
