package io.maas.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.InferenceRequest;
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
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real inference process in the middle of 20,000 requests, then a restart:
 * every request gets a result; in exactly-once mode, exactly one (read-committed).
 */
@ExtendWith(KafkaExtension.class)
class CrashIT {

  private static final int REQUESTS = 20_000;

  @TempDir Path dir;

  @Test
  void atLeastOnceAnswersEveryRequestAfterAKill(TestKafka kafka) throws Exception {
    Map<String, Integer> counts = crashAndRecover(kafka, "at-least-once");
    assertThat(counts).hasSize(REQUESTS);
  }

  @Test
  void exactlyOnceAnswersEveryRequestOnceAfterAKill(TestKafka kafka) throws Exception {
    Map<String, Integer> counts = crashAndRecover(kafka, "exactly-once");
    assertThat(counts).hasSize(REQUESTS);
    assertThat(counts.values()).as("results per id for a read-committed consumer").containsOnly(1);
  }

  private Map<String, Integer> crashAndRecover(TestKafka kafka, String delivery) throws Exception {
    String model = TestKafka.unique("crash");
    try (TestPlatform platform = new TestPlatform(kafka, dir)) {
      platform.register(model, 1);
      platform.deploy(model, "{\"production\":1}");
      List<String> texts = platform.trainingExamples.stream().map(Example::text).toList();
      try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
        for (int i = 0; i < REQUESTS; i++) {
          String id = "c-" + i;
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
        }
      }
      Map<String, String> env =
          new HashMap<>(
              platform.serviceEnv(
                  Map.of(
                      "MAAS_DELIVERY",
                      delivery,
                      "MAAS_INFERENCE_GROUP",
                      "crash-" + model,
                      "MAAS_INFERENCE_WORKER",
                      "crash-worker")));
      String results = "maas.results." + model;

      env.put("MAAS_INFERENCE_PORT", String.valueOf(TestPlatform.freePort()));
      try (ServiceProcess first = ServiceProcess.start(Main.class, env, dir.resolve("first.log"))) {
        Awaitility.await("some results")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> kafka.endOffsets(results) >= 3_000);
        first.kill();
        first.awaitExit(Duration.ofSeconds(30));
      }
      long beforeRestart = kafka.endOffsets(results);
      assertThat(beforeRestart).as("killed mid-way").isLessThan(REQUESTS);

      int port = TestPlatform.freePort();
      env.put("MAAS_INFERENCE_PORT", String.valueOf(port));
      try (ServiceProcess second =
          ServiceProcess.start(Main.class, env, dir.resolve("second.log"))) {
        Awaitility.await("ready after restart")
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);
        Set<String> expected =
            IntStream.range(0, REQUESTS).mapToObj(i -> "c-" + i).collect(Collectors.toSet());
        Map<String, Integer> counts = new HashMap<>();
        try {
          Awaitility.await("every result")
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> {
                    counts.clear();
                    for (ConsumerRecord<String, byte[]> r :
                        kafka.read(results, Integer.MAX_VALUE, Duration.ofSeconds(3))) {
                      counts.merge(r.key(), 1, Integer::sum);
                    }
                    return counts.keySet().containsAll(expected);
                  });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(
              counts.size()
                  + " of "
                  + REQUESTS
                  + " answered ("
                  + kafka.endOffsets(results)
                  + " records and markers in "
                  + results
                  + "); the restarted instance's log ends:\n"
                  + tail(dir.resolve("second.log"))
                  + "\nthe killed one's:\n"
                  + tail(dir.resolve("first.log")),
              e);
        }
        second.terminate();
        assertThat(second.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
        return counts;
      }
    }
  }

  private static String tail(Path log) {
    try {
      String text = java.nio.file.Files.readString(log);
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (java.io.IOException e) {
      return "(no log)";
    }
  }
}
