package io.maas.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.inference.TestPlatform;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.ServiceProcess;
import io.maas.testkit.TestKafka;
import io.maas.trainer.data.Example;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor against the real platform: a production version and a shadow answer held-out
 * mails; the summary's counts equal what Kafka holds, the shadow's agreement is computed from
 * the real ids, dead letters are counted by reason, and a monitor killed with -9 and started
 * again gives the same answers.
 */
@ExtendWith(KafkaExtension.class)
class MonitorIT {

  private static final int ROUNDS = 4;
  private static final int MALFORMED = 3;

  @TempDir Path dir;

  @Test
  void theSummaryCountsWhatKafkaHoldsAndSurvivesAKill(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("watch");
    try (TestPlatform platform = new TestPlatform(kafka, dir)) {
      assertThat(platform.register(model, 1)).isEqualTo(1);
      assertThat(platform.register(model, 2)).isEqualTo(2);
      platform.deploy(model, "{\"production\":1,\"shadow\":2}");
      platform.startInference(Map.of("MAAS_INFERENCE_GROUP", "watch-" + model));
      Map<String, String> env =
          Map.of(
              "MAAS_MONITOR_GROUP",
              "monitor-" + model,
              "MAAS_MONITOR_DRIFT_MIN_RESULTS",
              "50",
              "MAAS_MONITOR_INTERVAL_MS",
              "1000");
      int port = TestPlatform.freePort();
      ServiceProcess first = startMonitor(platform, port, env, "monitor-first");
      try (first) { // closed (killed) whatever happens; killed on purpose below

        List<String> texts = platform.heldOut.stream().map(Example::text).toList();
        int requests = texts.size() * ROUNDS;
        try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
          for (int i = 0; i < requests; i++) {
            String id = "m-" + i;
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
          for (int i = 0; i < MALFORMED; i++) {
            producer.send(
                new ProducerRecord<>(
                    "maas.requests." + model,
                    "bad-" + i,
                    "{not json".getBytes(StandardCharsets.UTF_8)));
          }
        }

        // what a consumer of the model's topics sees
        Map<String, String> production = new HashMap<>();
        Map<String, String> shadow = new HashMap<>();
        Awaitility.await("every answer in Kafka")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    labels(kafka, "maas.results." + model, production) >= requests
                        && labels(kafka, "maas.shadow." + model, shadow) >= requests);
        long resultRecords =
            kafka.read("maas.results." + model, Integer.MAX_VALUE, Duration.ofSeconds(2)).size();
        long shadowRecords =
            kafka.read("maas.shadow." + model, Integer.MAX_VALUE, Duration.ofSeconds(2)).size();
        Map<String, Long> productionLabels = count(kafka, "maas.results." + model);
        long agreeing =
            production.entrySet().stream()
                .filter(e -> e.getValue().equals(shadow.get(e.getKey())))
                .count();

        AtomicReference<JsonObject> summary = new AtomicReference<>();
        Awaitility.await("the monitor counts them")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  summary.set(summary(port, model));
                  JsonObject versions =
                      summary
                          .get()
                          .getJsonObject("models")
                          .getJsonObject(model)
                          .getJsonObject("versions");
                  return versions.getJsonObject("1").getLong("results") == resultRecords
                      && versions.getJsonObject("2").getLong("shadowResults") == shadowRecords
                      && versions.getJsonObject("2").getJsonObject("agreement") != null
                      && versions.getJsonObject("2").getJsonObject("agreement").getLong("compared")
                          >= requests;
                });
        JsonObject m = summary.get().getJsonObject("models").getJsonObject(model);
        JsonObject v1 = m.getJsonObject("versions").getJsonObject("1");
        JsonObject v2 = m.getJsonObject("versions").getJsonObject("2");
        assertThat(v1.getString("role")).isEqualTo("production");
        assertThat(v2.getString("role")).isEqualTo("shadow");
        Map<String, Long> summaryLabels = new TreeMap<>();
        v1.getJsonObject("labels")
            .forEach(e -> summaryLabels.put(e.getKey(), ((Number) e.getValue()).longValue()));
        assertThat(summaryLabels).isEqualTo(productionLabels);
        assertThat(v2.getJsonObject("agreement").getDouble("rate"))
            .isCloseTo(
                agreeing / (double) production.size(), org.assertj.core.data.Offset.offset(0.0001));
        assertThat(v1.getJsonObject("latencyMs").getDouble("p99")).isPositive();
        assertThat(v1.getDouble("estimatedAccuracy")).isBetween(0.5, 1.0);
        assertThat(v1.getJsonObject("profile").getString("source")).isEqualTo("training");
        assertThat(v1.getJsonObject("drift").getBoolean("judged")).isTrue();
        assertThat(m.getJsonObject("deadLetters").getLong("invalid_json")).isEqualTo(MALFORMED);

        first.kill();
        first.awaitExit(Duration.ofSeconds(30));
        int again = TestPlatform.freePort();
        try (ServiceProcess second = startMonitor(platform, again, env, "monitor-second")) {
          JsonObject after = summary(again, model).getJsonObject("models").getJsonObject(model);
          assertThat(after.getJsonObject("deadLetters")).isEqualTo(m.getJsonObject("deadLetters"));
          for (String v : List.of("1", "2")) {
            JsonObject before = m.getJsonObject("versions").getJsonObject(v);
            JsonObject now = after.getJsonObject("versions").getJsonObject(v);
            for (String field :
                List.of(
                    "results",
                    "shadowResults",
                    "labels",
                    "confidence",
                    "agreement",
                    "estimatedAccuracy")) {
              assertThat(now.getValue(field))
                  .as("version %s %s after a restart", v, field)
                  .isEqualTo(before.getValue(field));
            }
          }

          Awaitility.await("the inference group is seen caught up")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> {
                    JsonObject lag =
                        summary(again, model)
                            .getJsonObject("models")
                            .getJsonObject(model)
                            .getJsonObject("lag")
                            .getJsonObject("watch-" + model);
                    return lag != null
                        && lag.getLong("records") == 0
                        && "OK".equals(lag.getString("status"));
                  });
          Awaitility.await("drift gauges")
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      HttpProbe.get(again, "/metrics")
                          .body()
                          .lines()
                          .anyMatch(
                              l ->
                                  l.startsWith(
                                      "maas_prediction_drift{model=\""
                                          + model
                                          + "\",version=\"1\"")));
          assertThat(kafka.read("maas.monitor", Integer.MAX_VALUE, Duration.ofSeconds(3)))
              .extracting(ConsumerRecord::key)
              .contains(model + "/1/drift");

          // a canary: its answers are compared with production's control answers for the same ids
          platform.deploy(model, "{\"production\":1,\"canary\":{\"version\":2,\"weight\":0.5}}");
          Map<String, String> canary = new HashMap<>();
          Map<String, String> control = new HashMap<>();
          try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
            int i = 0;
            while (canary.size() < 20) {
              for (int j = 0; j < texts.size(); j++, i++) {
                String id = "c-" + i;
                producer.send(
                    new ProducerRecord<>(
                        "maas.requests." + model,
                        id,
                        new InferenceRequest(
                                id, model, texts.get(j), System.currentTimeMillis(), null, Map.of())
                            .toBuffer()
                            .getBytes()));
              }
              producer.flush();
              int sent = i;
              Awaitility.await("answers to c-0..c-" + (sent - 1))
                  .atMost(Duration.ofSeconds(60))
                  .pollInterval(Duration.ofSeconds(1))
                  .until(
                      () -> answers(kafka, "maas.results." + model, "c-", sent, canary, control));
            }
          }
          long agreeingCanary =
              canary.entrySet().stream()
                  .filter(e -> e.getValue().equals(control.get(e.getKey())))
                  .count();
          Awaitility.await("the canary's agreement")
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> {
                    JsonObject v =
                        summary(again, model)
                            .getJsonObject("models")
                            .getJsonObject(model)
                            .getJsonObject("versions")
                            .getJsonObject("2");
                    return "canary".equals(v.getString("role"))
                        && v.getJsonObject("agreement") != null
                        && v.getJsonObject("agreement").getLong("compared") == canary.size()
                        && Math.abs(
                                v.getJsonObject("agreement").getDouble("rate")
                                    - agreeingCanary / (double) canary.size())
                            < 1e-4;
                  });

          assertThat(HttpProbe.get(again, "/v1/summary?model=nope").statusCode()).isEqualTo(404);
          assertThat(HttpProbe.get(again, "/v1/summary?window=5min").body())
              .contains("invalid_window");
          assertThat(HttpProbe.get(again, "/v1/summary?window=PT2H").statusCode()).isEqualTo(400);
          second.terminate();
          assertThat(second.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
        }
      }
    }
  }

  /** Starts the monitor as a process on {@code port} and waits until it has read the last hour. */
  private ServiceProcess startMonitor(
      TestPlatform platform, int port, Map<String, String> extra, String name) {
    Map<String, String> env = new HashMap<>(platform.serviceEnv(extra));
    env.put("MAAS_MONITOR_PORT", String.valueOf(port));
    ServiceProcess process = ServiceProcess.start(Main.class, env, dir.resolve(name + ".log"));
    Awaitility.await(name + " ready")
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);
    return process;
  }

  /**
   * Collects the canary's answers to ids with {@code prefix} (from results) and production's control
   * answers to them (from the shadow topic); whether every one of the {@code sent} ids was answered.
   */
  private static boolean answers(
      TestKafka kafka,
      String results,
      String prefix,
      int sent,
      Map<String, String> canary,
      Map<String, String> control) {
    java.util.Set<String> answered = new java.util.HashSet<>();
    for (ConsumerRecord<String, byte[]> r :
        kafka.read(results, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
      InferenceResult result = InferenceResult.decode(r.value());
      if (result.id().startsWith(prefix)) {
        answered.add(result.id());
        if (result.role() == io.maas.common.event.Role.CANARY) {
          canary.put(result.id(), result.label());
        }
      }
    }
    for (ConsumerRecord<String, byte[]> r :
        kafka.read(
            results.replace("results", "shadow"), Integer.MAX_VALUE, Duration.ofSeconds(2))) {
      InferenceResult result = InferenceResult.decode(r.value());
      if (result.id().startsWith(prefix) && result.role() == io.maas.common.event.Role.PRODUCTION) {
        control.put(result.id(), result.label());
      }
    }
    return answered.size() >= sent && control.keySet().containsAll(canary.keySet());
  }

  private static JsonObject summary(int port, String model) {
    var response = HttpProbe.get(port, "/v1/summary?window=PT1H&model=" + model);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** Reads a topic into id -> label; how many records it holds. */
  private static int labels(TestKafka kafka, String topic, Map<String, String> byId) {
    List<ConsumerRecord<String, byte[]>> records =
        kafka.read(topic, Integer.MAX_VALUE, Duration.ofSeconds(2));
    for (ConsumerRecord<String, byte[]> r : records) {
      InferenceResult result = InferenceResult.decode(r.value());
      byId.put(result.id(), result.label());
    }
    return byId.size();
  }

  private static Map<String, Long> count(TestKafka kafka, String topic) {
    Map<String, Long> counts = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r :
        kafka.read(topic, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
      counts.merge(InferenceResult.decode(r.value()).label(), 1L, Long::sum);
    }
    return counts;
  }
}
