package io.maas.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.http.MonitorApiVerticle;
import io.maas.testkit.ApiContract;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service started against the real broker: health, metrics, its topic, and its answers to bad questions. */
@ExtendWith({VertxExtension.class, KafkaExtension.class})
class MonitorServiceIT {

  @Test
  void startsAgainstTheRealBrokerAndRefusesBadQuestions(
      Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    MonitorConfig config =
        MonitorConfig.from(
            Settings.load(
                MonitorConfig.DEFAULTS,
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    kafka.bootstrapServers(),
                    "MAAS_MONITOR_PORT",
                    "0",
                    "MAAS_HOME",
                    home.toString(),
                    "MAAS_MONITOR_GROUP",
                    TestKafka.unique("monitor"))));

    MonitorApiVerticle monitor =
        Main.deploy(vertx, config)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    int port = monitor.actualPort();

    // ready once it has read the last hour of the broker, which the other tests of this JVM filled
    org.awaitility.Awaitility.await("ready")
        .atMost(java.time.Duration.ofSeconds(90))
        .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);
    HttpProbe.assertServesHealthAndMetrics(port);
    // every answer below is also held against the OpenAPI document the monitor serves
    ApiContract api = ApiContract.fetch(vertx, port);
    api.assertDescribes(monitor.servedRoutes());
    for (String path :
        new String[] {"/health/live", "/health/ready", "/metrics", "/openapi.json"}) {
      api.check(HttpProbe.get(port, path));
    }
    assertThat(kafka.topicConfig("maas.monitor")).containsEntry("cleanup.policy", "compact");
    var summary = api.check(HttpProbe.get(port, "/v1/summary"));
    assertThat(summary.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(summary.body()).getString("window")).isEqualTo("PT5M");
    var unknown = api.check(HttpProbe.get(port, "/v1/summary?model=nope"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("unknown_model");
    for (String window : new String[] {"5m", "PT0S", "PT61M", "P1D"}) {
      var bad = api.check(HttpProbe.get(port, "/v1/summary?window=" + window));
      assertThat(bad.statusCode()).as(window).isEqualTo(400);
      assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("invalid_window");
    }
    assertThat(api.check(HttpProbe.get(port, "/")).body()).contains("maas monitor");
    // the stream never ends: its head is checked, and its first event
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<InputStream> stream =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/summary/stream"))
                .timeout(java.time.Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader events =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      api.check(stream);
      assertThat(events.readLine()).isEqualTo("event: summary");
      assertThat(new JsonObject(events.readLine().substring("data: ".length())).getString("window"))
          .isEqualTo("PT5M");
    }
    assertThat(api.check(HttpProbe.get(port, "/v1/summary/stream?window=5m")).statusCode())
        .isEqualTo(400);

    // a result it cannot read is counted, logged and skipped; the next one still counts
    String model = TestKafka.unique("garbled");
    kafka.createTopic("maas.results." + model, 1);
    kafka.send(
        "maas.results." + model,
        "r-1",
        "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    kafka.send(
        "maas.results." + model,
        "r-2",
        new io.maas.common.event.InferenceResult(
                "r-2",
                model,
                1,
                io.maas.common.event.Role.PRODUCTION,
                "ham",
                Map.of("ham", 0.9, "spam", 0.1),
                System.currentTimeMillis() - 5,
                System.currentTimeMillis(),
                1,
                "w")
            .toBuffer()
            .getBytes());
    org.awaitility.Awaitility.await("the good result counted")
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () -> {
              var answer = api.check(HttpProbe.get(port, "/v1/summary?model=" + model));
              return answer.statusCode() == 200
                  && new JsonObject(answer.body())
                          .getJsonObject("models")
                          .getJsonObject(model)
                          .getJsonObject("versions")
                          .getJsonObject("1")
                          .getLong("results")
                      == 1;
            });
    assertThat(api.check(HttpProbe.get(port, "/metrics")).body())
        .containsPattern(
            "maas_monitor_events_total\\{kind=\"result\",outcome=\"invalid\",?\\} [1-9]");
  }
}
