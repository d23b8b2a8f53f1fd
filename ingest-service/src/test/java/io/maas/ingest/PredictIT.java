package io.maas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.kafka.Topics;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Synchronous :predict: requests out over maas.requests, answers back over maas.results. */
@ExtendWith({VertxExtension.class, KafkaExtension.class})
class PredictIT {

  private static final String JSON = "application/json";

  @Test
  void predictionsComeBackInInstanceOrder(Vertx vertx, TestKafka kafka, @TempDir Path home)
      throws Exception {
    String model = Testbed.deployModel(kafka);
    int port = Testbed.start(vertx, kafka, home, Map.of());
    try (Testbed.Responder responder = new Testbed.Responder(kafka, model)) {

      HttpResponse<String> response =
          Testbed.post(
              port,
              "/v1/models/" + model + ":predict",
              JSON,
              "{\"instances\":[\"win a free cruise\",{\"id\":\"p-2\",\"text\":\"lunch at noon?\"},\"free money\"]}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonArray predictions = new JsonObject(response.body()).getJsonArray("predictions");
      assertThat(predictions).hasSize(3);
      assertThat(predictions.stream().map(p -> ((JsonObject) p).getString("label")))
          .containsExactly("spam", "ham", "spam");
      assertThat(predictions.getJsonObject(1).getString("id")).isEqualTo("p-2");
      assertThat(predictions.getJsonObject(0).getInteger("version")).isEqualTo(1);
      assertThat(predictions.getJsonObject(0).getJsonObject("scores").getDouble("spam"))
          .isEqualTo(0.9);

      HttpResponse<String> pinned =
          Testbed.post(
              port,
              "/v1/models/" + model + "/versions/2:predict",
              JSON,
              "{\"instances\":[{\"text\":\"see you\"}]}");
      assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);
      assertThat(
              new JsonObject(pinned.body()).getJsonArray("predictions").getJsonObject(0).getMap())
          .containsEntry("label", "ham")
          .containsEntry("version", 2);

      HttpResponse<String> invalid =
          Testbed.post(
              port, "/v1/models/" + model + ":predict", JSON, "{\"instances\":[\"fine\",42]}");
      assertThat(invalid.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(invalid.body()).getJsonArray("errors").getJsonObject(0).getMap())
          .containsEntry("index", 1)
          .containsEntry("reason", "invalid_field");

      HttpResponse<String> twice =
          Testbed.post(
              port,
              "/v1/models/" + model + ":predict",
              JSON,
              "{\"instances\":[{\"id\":\"same\",\"text\":\"a\"},{\"id\":\"same\",\"text\":\"b\"}]}");
      assertThat(twice.statusCode()).isEqualTo(409);
    }
    assertThat(Testbed.readAll(kafka, Topics.requests(model)))
        .as("3 + 1 published, the refused calls not")
        .hasSize(4);
  }

  @Test
  void withoutAnAnswerTheCallTimesOut(Vertx vertx, TestKafka kafka, @TempDir Path home)
      throws Exception {
    String model = Testbed.deployModel(kafka);
    int port = Testbed.start(vertx, kafka, home, Map.of("MAAS_PREDICT_TIMEOUT_MS", "1500"));

    long started = System.nanoTime();
    HttpResponse<String> response =
        Testbed.post(
            port, "/v1/models/" + model + ":predict", JSON, "{\"instances\":[\"anyone there?\"]}");
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("timeout");
    assertThat(elapsedMs).isBetween(1400L, 8000L);
    assertThat(Testbed.readAll(kafka, Topics.requests(model))).hasSize(1);
    assertThat(Testbed.metrics(port))
        .contains("maas_ingest_requests_total{model=\"" + model + "\",outcome=\"timeout\",} 1.0");
  }

  @Test
  void twoInstancesEachGetTheirOwnAnswers(Vertx vertx, TestKafka kafka, @TempDir Path home)
      throws Exception {
    String model = Testbed.deployModel(kafka);
    Vertx other = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try (Testbed.Responder responder = new Testbed.Responder(kafka, model)) {
      int[] ports = {
        Testbed.start(vertx, kafka, home.resolve("a"), Map.of()),
        Testbed.start(other, kafka, home.resolve("b"), Map.of())
      };

      List<Future<?>> calls = new ArrayList<>();
      for (int c = 0; c < 24; c++) {
        int call = c;
        calls.add(
            clients.submit(
                () -> {
                  JsonArray instances = new JsonArray();
                  List<String> expected = new ArrayList<>();
                  for (int i = 0; i < 5; i++) {
                    boolean spam = (call + i) % 3 == 0;
                    String id = "call-" + call + "-" + i;
                    instances.add(
                        new JsonObject()
                            .put("id", id)
                            .put("text", spam ? "free prize " + id : "meeting " + id));
                    expected.add(id + "=" + (spam ? "spam" : "ham"));
                  }
                  HttpResponse<String> response =
                      Testbed.post(
                          ports[call % 2],
                          "/v1/models/" + model + ":predict",
                          JSON,
                          new JsonObject().put("instances", instances).encode());
                  assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                  List<String> got =
                      new JsonObject(response.body())
                          .getJsonArray("predictions").stream()
                              .map(
                                  p ->
                                      ((JsonObject) p).getString("id")
                                          + "="
                                          + ((JsonObject) p).getString("label"))
                              .toList();
                  assertThat(got).containsExactlyElementsOf(expected);
                  return null;
                }));
      }
      for (Future<?> call : calls) {
        call.get(60, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
      other.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
