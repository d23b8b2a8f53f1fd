package io.maas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.InferenceRequest;
import io.maas.common.kafka.Topics;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/models/{model}/requests against the real broker: what is published, what is refused, and why. */
@ExtendWith({VertxExtension.class, KafkaExtension.class})
class IngestRequestsIT {

  private static final String JSON = "application/json";
  private static final String NDJSON = "application/x-ndjson";

  @Test
  void objectsArraysNdjsonAndTheLongestTextArePublishedOneToOne(
      Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    String model = Testbed.deployModel(kafka);
    int port = Testbed.start(vertx, kafka, home, Map.of());
    String path = "/v1/models/" + model + "/requests";
    long before = System.currentTimeMillis();

    List<String> ids = new ArrayList<>();
    ids.addAll(accepted(Testbed.post(port, path, JSON, "{\"text\":\"win a free cruise\"}"), 1));
    ids.addAll(
        accepted(
            Testbed.post(
                port,
                path,
                "application/json; charset=utf-8",
                "[{\"id\":\"client-1\",\"text\":\"a\",\"attributes\":{\"source\":\"mail\"}},{\"text\":\"b\"},"
                    + "{\"text\":\"c\",\"ingestedAt\":42}]"),
            3));
    // About 100 KiB: large enough to be decoded on a worker thread rather than the event loop.
    String lines =
        IntStream.range(0, 1000)
            .mapToObj(i -> "{\"text\":\"line " + i + " " + "x".repeat(80) + "\"}")
            .collect(Collectors.joining("\n", "", "\n\n"));
    ids.addAll(accepted(Testbed.post(port, path, NDJSON, lines), 1000));
    // The contract's longest text, 1 MiB, is more than
    // Kafka's default request size once wrapped in JSON.
    ids.addAll(
        accepted(
            Testbed.post(
                port, path, JSON, "{\"text\":\"" + "0123456789abcdef".repeat(65536) + "\"}"),
            1));
    long after = System.currentTimeMillis();

    assertThat(ids).contains("client-1").doesNotHaveDuplicates().hasSize(1005);
    List<ConsumerRecord<String, byte[]>> records = Testbed.readAll(kafka, Topics.requests(model));
    assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ids);
    for (ConsumerRecord<String, byte[]> record : records) {
      InferenceRequest request =
          InferenceRequest.decode(
              record.value(),
              new InferenceRequest.Defaults(
                  model, null, 0, InferenceRequest.DEFAULT_MAX_TEXT_BYTES));
      assertThat(request.id()).isEqualTo(record.key());
      assertThat(request.model()).isEqualTo(model);
      if (!request.text().equals("c")) {
        assertThat(request.ingestedAt()).isBetween(before, after);
      } else {
        assertThat(request.ingestedAt()).as("a producer's own ingestedAt is kept").isEqualTo(42);
      }
      if (request.id().equals("client-1")) {
        assertThat(request.attributes()).containsEntry("source", "mail");
      }
    }
    assertThat(Testbed.metrics(port))
        .contains(
            "maas_ingest_requests_total{model=\"" + model + "\",outcome=\"accepted\",} 1005.0");
  }

  @Test
  void anInvalidItemRejectsTheWholeBodyAndBecomesADeadLetter(
      Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    String model = Testbed.deployModel(kafka);
    int port = Testbed.start(vertx, kafka, home, Map.of("MAAS_MAX_TEXT_BYTES", "32"));
    String path = "/v1/models/" + model + "/requests";

    String broken = "{\"id\":\"r-broken\",\"text\":\"unterminated";
    HttpResponse<String> invalidJson = Testbed.post(port, path, JSON, broken);
    assertThat(invalidJson.statusCode()).isEqualTo(400);
    JsonObject body = new JsonObject(invalidJson.body());
    assertThat(body.getString("error")).isEqualTo("invalid_request");
    assertThat(body.getJsonArray("errors").getJsonObject(0).getString("reason"))
        .isEqualTo("invalid_json");

    HttpResponse<String> mixed =
        Testbed.post(
            port,
            path,
            JSON,
            "[{\"id\":\"r-ok\",\"text\":\"fine\"},"
                + "{\"id\":\"r-missing\"},{\"id\":\"r-long\",\"text\":\""
                + "x".repeat(33)
                + "\"}]");
    assertThat(mixed.statusCode()).isEqualTo(400);
    JsonArray errors = new JsonObject(mixed.body()).getJsonArray("errors");
    assertThat(errors).hasSize(2);
    assertThat(errors.getJsonObject(0).getMap())
        .containsEntry("index", 1)
        .containsEntry("id", "r-missing")
        .containsEntry("reason", "missing_field");
    assertThat(errors.getJsonObject(1).getMap())
        .containsEntry("index", 2)
        .containsEntry("id", "r-long")
        .containsEntry("reason", "text_too_long");

    HttpResponse<String> badLine = Testbed.post(port, path, NDJSON, "{\"text\":\"a\"}\n{oops\n");
    assertThat(badLine.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(badLine.body()).getJsonArray("errors").getJsonObject(0).getMap())
        .containsEntry("index", 1)
        .containsEntry("line", 2)
        .containsEntry("reason", "invalid_json");

    assertThat(Testbed.readAll(kafka, Topics.requests(model)))
        .as("nothing of a rejected body is published")
        .isEmpty();
    List<DeadLetter> letters =
        Testbed.readAll(kafka, Topics.DEAD_LETTERS).stream()
            .map(r -> DeadLetter.decode(r.value()))
            .filter(d -> model.equals(d.model()))
            .toList();
    assertThat(letters)
        .extracting(DeadLetter::reason)
        .containsExactlyInAnyOrder(
            "invalid_json", "missing_field", "text_too_long", "invalid_json");
    assertThat(letters).allSatisfy(d -> assertThat(d.stage()).isEqualTo("ingest"));
    DeadLetter unreadable =
        letters.stream().filter(d -> broken.equals(d.payload())).findFirst().orElseThrow();
    assertThat(unreadable.reason()).isEqualTo("invalid_json");
    DeadLetter missing =
        letters.stream().filter(d -> "r-missing".equals(d.id())).findFirst().orElseThrow();
    assertThat(new JsonObject(missing.payload()).getString("id")).isEqualTo("r-missing");
    assertThat(letters.stream().filter(d -> d.payload().equals("{oops"))).hasSize(1);
    String metrics = Testbed.metrics(port);
    assertThat(metrics)
        .contains(
            "maas_dead_letters_total{model=\""
                + model
                + "\",stage=\"ingest\",reason=\"invalid_json\",} 2.0")
        .contains("maas_ingest_requests_total{model=\"" + model + "\",outcome=\"invalid\",} 6.0");
  }

  @Test
  void limitsTypesAndUnknownModelsAreRefusedBeforeAnythingIsPublished(
      Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    String model = Testbed.deployModel(kafka);
    int port =
        Testbed.start(
            vertx,
            kafka,
            home,
            Map.of("MAAS_INGEST_MAX_BODY_BYTES", "2048", "MAAS_INGEST_MAX_ITEMS", "5"));
    String path = "/v1/models/" + model + "/requests";

    HttpResponse<String> tooLarge =
        Testbed.post(port, path, JSON, "{\"text\":\"" + "x".repeat(4096) + "\"}");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(tooLarge.body()).getString("error")).isEqualTo("payload_too_large");

    // Without Content-Length the limit is found while the body streams in.
    HttpResponse<String> chunked =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", JSON)
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () ->
                                new ByteArrayInputStream(
                                    ("["
                                            + "{\"text\":\"chunk\"},".repeat(300)
                                            + "{\"text\":\"end\"}]")
                                        .getBytes(StandardCharsets.UTF_8))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(chunked.body()).getString("error")).isEqualTo("payload_too_large");

    HttpResponse<String> tooMany = Testbed.post(port, path, NDJSON, "{\"text\":\"a\"}\n".repeat(6));
    assertThat(tooMany.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(tooMany.body()).getString("error")).isEqualTo("payload_too_large");

    HttpResponse<String> wrongType = Testbed.post(port, path, "text/plain", "hello");
    assertThat(wrongType.statusCode()).isEqualTo(415);

    HttpResponse<String> unknown =
        Testbed.post(
            port,
            "/v1/models/" + TestKafka.unique("nobody") + "/requests",
            JSON,
            "{\"text\":\"a\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("unknown_model");

    HttpResponse<String> badName =
        Testbed.post(port, "/v1/models/Not_A_Model/requests", JSON, "{\"text\":\"a\"}");
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(badName.body()).getString("error")).isEqualTo("invalid_model");

    assertThat(Testbed.readAll(kafka, Topics.requests(model))).isEmpty();
    accepted(Testbed.post(port, path, NDJSON, "{\"text\":\"a\"}\n".repeat(5)), 5);
    assertThat(Testbed.metrics(port))
        .contains("maas_ingest_requests_total{model=\"" + model + "\",outcome=\"too_large\",} 3.0");
  }

  @Test
  void withProducerTokensOnlyACallerThatSendsOneIsServed(
      Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    String model = Testbed.deployModel(kafka);
    String token = "producer-token-0123456789";
    int port =
        Testbed.start(
            vertx, kafka, home, Map.of("MAAS_INGEST_TOKENS", "other-token-abcdefghij, " + token));
    String path = "/v1/models/" + model + "/requests";
    HttpClient http = HttpClient.newHttpClient();
    java.util.function.Function<String, HttpResponse<String>> call =
        authorization -> {
          HttpRequest.Builder request =
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .header("Content-Type", JSON)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hello\"}"));
          if (authorization != null) {
            request.header("Authorization", authorization);
          }
          try {
            return Testbed.described(
                http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };

    for (String refused :
        new String[] {null, "Bearer ", "Bearer " + token.substring(1), "Basic " + token, token}) {
      HttpResponse<String> response = call.apply(refused);
      assertThat(response.statusCode()).as("Authorization: %s", refused).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("unauthorized");
    }
    assertThat(
            Testbed.post(port, "/v1/models/" + model + ":predict", JSON, "{\"instances\":[\"a\"]}")
                .statusCode())
        .isEqualTo(401);
    assertThat(Testbed.readAll(kafka, Topics.requests(model)))
        .as("nothing refused is published")
        .isEmpty();
    assertThat(Testbed.get(port, "/health/ready").statusCode())
        .as("health needs no token")
        .isEqualTo(200);

    accepted(call.apply("Bearer " + token), 1);
    accepted(call.apply("Bearer other-token-abcdefghij"), 1);
    assertThat(Testbed.readAll(kafka, Topics.requests(model))).hasSize(2);
    assertThat(Testbed.metrics(port))
        .contains(
            "maas_ingest_requests_total{model=\"" + model + "\",outcome=\"unauthorized\",} 6.0");
  }

  private static List<String> accepted(HttpResponse<String> response, int count) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getInteger("accepted")).isEqualTo(count);
    List<String> ids = body.getJsonArray("ids").stream().map(String.class::cast).toList();
    assertThat(ids).hasSize(count);
    return ids;
  }
}
