package io.maas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service started against the real broker: health, metrics, owned topics, and its API routes. */
@ExtendWith({VertxExtension.class, KafkaExtension.class})
class IngestServiceIT {

  @Test
  void startsAgainstTheRealBroker(Vertx vertx, TestKafka kafka, @TempDir Path home)
      throws Exception {
    Testbed.ensureModelsTopic(kafka);

    int port = Testbed.start(vertx, kafka, home, Map.of());

    HttpProbe.assertServesHealthAndMetrics(port);
    assertThat(Testbed.get(port, "/health/ready").body()).contains("\"id\":\"deployments\"");
    assertThat(kafka.topicConfig("maas.dlq")).containsKey("retention.ms");
    String unknown = TestKafka.unique("never-deployed");
    for (String path : new String[] {"/requests", ":predict", "/versions/3:predict"}) {
      var response =
          Testbed.post(
              port, "/v1/models/" + unknown + path, "application/json", "{\"text\":\"hi\"}");
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).contains("\"error\":\"unknown_model\"");
    }
    // what no route serves gets the JSON error body too
    var nowhere = HttpProbe.get(port, "/v1/nowhere");
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(nowhere.body()).getString("error")).isEqualTo("not_found");
    var wrongMethod =
        HttpProbe.send(
            port, "DELETE", "/v1/models/" + unknown + "/requests", "application/json", "");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(new JsonObject(wrongMethod.body()).getString("error"))
        .isEqualTo("method_not_allowed");
  }
}
