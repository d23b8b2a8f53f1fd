package io.maas.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.Role;
import io.maas.common.profile.TextDescriptors;
import io.maas.inference.http.InferenceApiVerticle;
import io.maas.testkit.ApiContract;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.maas.trainer.data.Example;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving path against the real broker and real models: results (with their text
 * descriptors), dead letters, swaps, and the metrics an operator reads.
 */
@ExtendWith(KafkaExtension.class)
class InferenceIT {

  @TempDir Path dir;

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void awaitReady(int port) {
    Awaitility.await("inference ready")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);
  }

  private static Map<String, InferenceResult> results(TestKafka kafka, String model, int expected) {
    Map<String, InferenceResult> byId = new HashMap<>();
    Awaitility.await("results of " + model)
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> r :
                  kafka.read("maas.results." + model, expected, Duration.ofSeconds(3))) {
                byId.put(r.key(), InferenceResult.decode(r.value()));
              }
              return byId.size() >= expected;
            });
    return byId;
  }

  @Test
  void classifiesWhatProducersWriteToKafkaAndDeadLettersPoison(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("spam");
    try (TestPlatform platform = new TestPlatform(kafka, dir)) {
      platform.register(model, 1);
      platform.deploy(model, "{\"production\":1}");
      InferenceApiVerticle inference =
          platform.startInferenceApi(
              Map.of("MAAS_INFERENCE_BATCH_SIZE", "8", "MAAS_MAX_TEXT_BYTES", "20000"));
      int port = inference.actualPort();
      awaitReady(port);
      // the answers of its HTTP API below are held against the OpenAPI document it serves
      ApiContract api = platform.described(port);
      api.assertDescribes(inference.servedRoutes());
      for (String path : new String[] {"/health/live", "/health/ready", "/openapi.json"}) {
        api.check(HttpProbe.get(port, path));
      }

      List<Example> sample = new ArrayList<>();
      platform.trainingExamples.stream()
          .filter(e -> e.label().equals("spam"))
          .limit(10)
          .forEach(sample::add);
      platform.trainingExamples.stream()
          .filter(e -> e.label().equals("ham"))
          .limit(10)
          .forEach(sample::add);
      Map<String, String> expected = new HashMap<>();
      Map<String, String> textOf = new HashMap<>();
      String topic = "maas.requests." + model;
      try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
        for (int i = 0; i < sample.size(); i++) {
          String id = "ok-" + i;
          expected.put(id, sample.get(i).label());
          textOf.put(id, sample.get(i).text());
          // half carry no model and no ingestedAt: the topic and the record timestamp stand in
          JsonObject request = new JsonObject().put("id", id).put("text", sample.get(i).text());
          if (i % 2 == 0) {
            request.put("model", model).put("ingestedAt", 1_000L);
          }
          producer.send(new ProducerRecord<>(topic, id, request.toBuffer().getBytes()));
        }
        producer.send(
            new ProducerRecord<>(topic, "bad-json", json("{\"id\":\"bad-json\",\"text\":")));
        producer.send(
            new ProducerRecord<>(
                topic,
                "bad-utf8",
                new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
        producer.send(new ProducerRecord<>(topic, "no-text", json("{\"id\":\"no-text\"}")));
        producer.send(
            new ProducerRecord<>(
                topic,
                "too-long",
                json("{\"id\":\"too-long\",\"text\":\"" + "x".repeat(20_001) + "\"}")));
        producer.send(
            new ProducerRecord<>(
                topic, "pinned-9", json("{\"id\":\"pinned-9\",\"text\":\"hi\",\"version\":9}")));
        producer.send(
            new ProducerRecord<>(
                topic, "pinned-1", json("{\"id\":\"pinned-1\",\"text\":\"hi\",\"version\":1}")));
        producer.flush();
      }

      Map<String, InferenceResult> results = results(kafka, model, expected.size() + 1);
      assertThat(results.keySet())
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.Stream.concat(
                      expected.keySet().stream(), java.util.stream.Stream.of("pinned-1"))
                  .toList());
      for (Map.Entry<String, String> e : expected.entrySet()) {
        InferenceResult result = results.get(e.getKey());
        assertThat(result.label()).as("label of %s", e.getKey()).isEqualTo(e.getValue());
        assertThat(result.version()).isEqualTo(1);
        assertThat(result.role()).isEqualTo(Role.PRODUCTION);
        assertThat(result.scores().keySet()).containsExactly("ham", "spam");
        assertThat(result.batchSize()).isBetween(1, 8);
        assertThat(result.worker()).isNotBlank();
        String text = textOf.get(e.getKey());
        TextDescriptors descriptors = result.descriptors();
        assertThat(descriptors).as("descriptors of %s", e.getKey()).isNotNull();
        assertThat(descriptors.chars()).isEqualTo(text.length());
        assertThat(descriptors.words()).isEqualTo(TextDescriptors.of(text, null).words());
        // a training text: most of its words are in the
        // version's vocabulary (seen twice in training)
        assertThat(descriptors.unseenWords())
            .as("unseen words of %s", e.getKey())
            .isBetween(0.0, 0.5);
      }
      assertThat(results.get("ok-0").ingestedAt()).isEqualTo(1_000L);
      assertThat(results.get("ok-1").ingestedAt())
          .as("record timestamp stands in")
          .isGreaterThan(1_000_000L);

      Map<String, String> reasons = new HashMap<>();
      Awaitility.await("dead letters")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r :
                    kafka.read("maas.dlq", Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                  DeadLetter letter = DeadLetter.decode(r.value());
                  if (model.equals(letter.model())) {
                    reasons.put(String.valueOf(r.key()), letter.reason());
                  }
                }
                return reasons.size() >= 5;
              });
      assertThat(reasons)
          .containsEntry("bad-json", "invalid_json")
          .containsEntry("bad-utf8", "invalid_utf8")
          .containsEntry("no-text", "missing_field")
          .containsEntry("too-long", "text_too_long")
          .containsEntry("pinned-9", "unknown_version")
          .hasSize(5);

      JsonObject status = new JsonObject(api.check(HttpProbe.get(port, "/v1/status")).body());
      assertThat(status.getJsonObject("batching").getInteger("maxBatchSize")).isEqualTo(8);
      assertThat(
              status
                  .getJsonObject("models")
                  .getJsonObject(model)
                  .getJsonArray("versions")
                  .getJsonObject(0)
                  .getMap())
          .containsEntry("version", 1)
          .containsEntry("role", "production")
          .containsEntry("state", "loaded")
          .containsEntry("load", "ready");
      // the trainer's model answers alike through the Java featurizer: served that way
      JsonObject preprocessing =
          status
              .getJsonObject("models")
              .getJsonObject(model)
              .getJsonArray("versions")
              .getJsonObject(0)
              .getJsonObject("preprocessing");
      assertThat(preprocessing.getString("path")).isEqualTo("java");
      assertThat(preprocessing.getInteger("textsCompared")).isGreaterThan(10);
      assertThat(preprocessing.getDouble("maxDifference")).isLessThanOrEqualTo(1e-5);
      assertThat(status.getJsonObject("models").getJsonObject(model).getValue("nextRevision"))
          .isNull();
      String group = platform.inferenceConfig(Map.of()).groupId();
      String lag = "{group=\"" + group + "\",topic=\"" + topic + "\",}";
      Awaitility.await("the consumer's own lag, caught up")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  HttpProbe.get(port, "/metrics")
                      .body()
                      .contains("maas_consumer_lag" + lag + " 0.0"));
      String metrics = api.check(HttpProbe.get(port, "/metrics")).body();
      Map<String, Long> labels = new HashMap<>();
      results.values().forEach(r -> labels.merge(r.label(), 1L, Long::sum));
      for (Map.Entry<String, Long> label : labels.entrySet()) {
        assertThat(metrics)
            .contains(
                "maas_predictions_total{model=\""
                    + model
                    + "\",version=\"1\",label=\""
                    + label.getKey()
                    + "\",} "
                    + label.getValue()
                    + ".0");
      }
      assertThat(metrics)
          .contains("maas_e2e_latency_seconds_count{model=\"" + model + "\",version=\"1\",} 21.0")
          .contains(
              "maas_e2e_latency_seconds_bucket{model=\"" + model + "\",version=\"1\",le=\"60.0\",}")
          .contains("maas_consumer_lag_seconds" + lag + " 0.0");
      assertThat(metrics)
          .contains(
              "maas_inference_requests_total{model=\""
                  + model
                  + "\",version=\"1\",role=\"production\",outcome=\"ok\",} 21.0")
          .contains(
              "maas_model_loaded{model=\"" + model + "\",version=\"1\",role=\"production\",} 1.0")
          .contains("maas_inference_batch_size_count{model=\"" + model + "\",}")
          .contains(
              "maas_dead_letters_total{model=\""
                  + model
                  + "\",stage=\"inference\",reason=\"invalid_utf8\",} 1.0");
    }
  }

  @Test
  void deployingVersionTwoWhileRequestsStreamLosesNone(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("swap");
    try (TestPlatform platform = new TestPlatform(kafka, dir)) {
      assertThat(platform.register(model, 1)).isEqualTo(1);
      assertThat(platform.register(model, 2)).isEqualTo(2);
      platform.deploy(model, "{\"production\":1}");
      int port = platform.startInference(Map.of());
      awaitReady(port);

      int total = 3000;
      List<String> texts = platform.trainingExamples.stream().map(Example::text).toList();
      try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
        for (int i = 0; i < total; i++) {
          String id = "r-" + i;
          InferenceRequest request =
              new InferenceRequest(
                  id,
                  model,
                  texts.get(i % texts.size()),
                  System.currentTimeMillis(),
                  null,
                  Map.of());
          producer.send(
              new ProducerRecord<>("maas.requests." + model, id, request.toBuffer().getBytes()));
          if (i == total / 3) {
            producer.flush();
            platform.deploy(model, "{\"production\":2}");
          }
          if (i % 100 == 0) {
            Thread.sleep(20);
          }
        }
        producer.flush();
      }
      Awaitility.await("version 2 serves")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  HttpProbe.get(port, "/metrics")
                      .body()
                      .contains(
                          "maas_model_loaded{model=\""
                              + model
                              + "\",version=\"2\",role=\"production\",} 1.0"));
      // everything sent after the swap completed is answered by version 2
      try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
        for (int i = total; i < total + 100; i++) {
          String id = "r-" + i;
          producer.send(
              new ProducerRecord<>(
                  "maas.requests." + model,
                  id,
                  new InferenceRequest(
                          id, model, texts.get(0), System.currentTimeMillis(), null, Map.of())
                      .toBuffer()
                      .getBytes()));
        }
      }

      Map<String, InferenceResult> results = results(kafka, model, total + 100);
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < total + 100; i++) {
        ids.add("r-" + i);
      }
      assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(results.values())
          .extracting(InferenceResult::version)
          .containsOnly(1, 2)
          .contains(1, 2);
      for (int i = total; i < total + 100; i++) {
        assertThat(results.get("r-" + i).version()).isEqualTo(2);
      }

      // version 1 is retired: its series go (requests,
      // batch seconds, e2e latency, predictions, loaded)
      String retired = "model=\"" + model + "\",version=\"1\"";
      Awaitility.await("version 1's series gone")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> !HttpProbe.get(port, "/metrics").body().contains(retired));
      String metrics = HttpProbe.get(port, "/metrics").body();
      String live = "model=\"" + model + "\",version=\"2\"";
      assertThat(metrics)
          .contains("maas_e2e_latency_seconds_count{" + live + ",}")
          .contains("maas_predictions_total{" + live + ",label=")
          .contains("maas_inference_batch_seconds_count{" + live + ",}")
          .contains(
              "maas_inference_requests_total{" + live + ",role=\"production\",outcome=\"ok\",}")
          .contains("maas_model_loaded{" + live + ",role=\"production\",} 1.0");
    }
  }

  @Test
  void canaryTakesItsShareAndShadowAndControlAnswersGoOnlyToTheShadowTopic(TestKafka kafka)
      throws Exception {
    String model = TestKafka.unique("canary");
    try (TestPlatform platform = new TestPlatform(kafka, dir)) {
      platform.register(model, 1);
      platform.register(model, 2);
      platform.register(model, 3);
      platform.deploy(
          model, "{\"production\":1,\"canary\":{\"version\":2,\"weight\":0.25},\"shadow\":3}");
      int port = platform.startInference(Map.of());
      awaitReady(port);
      Awaitility.await("all three loaded")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  HttpProbe.get(port, "/metrics")
                      .body()
                      .contains(
                          "maas_model_loaded{model=\""
                              + model
                              + "\",version=\"3\",role=\"shadow\",} 1.0"));

      int total = 400;
      try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
        for (int i = 0; i < total; i++) {
          String id = "k-" + i;
          producer.send(
              new ProducerRecord<>(
                  "maas.requests." + model,
                  id,
                  new InferenceRequest(
                          id,
                          model,
                          "hello number " + i,
                          System.currentTimeMillis(),
                          null,
                          Map.of())
                      .toBuffer()
                      .getBytes()));
        }
      }
      Map<String, InferenceResult> results = results(kafka, model, total);
      long canary = results.values().stream().filter(r -> r.role() == Role.CANARY).count();
      assertThat(results.values())
          .allSatisfy(r -> assertThat(r.role() == Role.CANARY ? 2 : 1).isEqualTo(r.version()));
      assertThat(results.values()).extracting(InferenceResult::role).doesNotContain(Role.SHADOW);
      assertThat(canary).as("about a quarter of %d", total).isBetween(60L, 140L);

      // the shadow topic: the shadow's answer to every request, and production's control answer to
      // each of the canary's, for the monitor to compare
      Set<String> shadowed = new HashSet<>();
      Set<String> controlled = new HashSet<>();
      Set<String> canaryIds = new HashSet<>();
      results.values().stream()
          .filter(r -> r.role() == Role.CANARY)
          .forEach(r -> canaryIds.add(r.id()));
      Awaitility.await("shadow and control answers")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r :
                    kafka.read("maas.shadow." + model, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                  InferenceResult result = InferenceResult.decode(r.value());
                  assertThat(result.role()).isIn(Role.SHADOW, Role.PRODUCTION);
                  assertThat(result.version()).isEqualTo(result.role() == Role.SHADOW ? 3 : 1);
                  (result.role() == Role.SHADOW ? shadowed : controlled).add(result.id());
                }
                return shadowed.size() >= total && controlled.size() >= canaryIds.size();
              });
      assertThat(shadowed).isEqualTo(results.keySet());
      assertThat(controlled).isEqualTo(canaryIds);
    }
  }
}
