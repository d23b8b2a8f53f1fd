package io.maas.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.monitor.config.MonitorConfig;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
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
  void startsAgainstTheRealBrokerAndRefusesBadQuestions(Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    MonitorConfig config = MonitorConfig.from(Settings.load(MonitorConfig.DEFAULTS, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "MAAS_MONITOR_PORT", "0", "MAAS_HOME", home.toString(),
        "MAAS_MONITOR_GROUP", TestKafka.unique("monitor"))));

    int port = Main.deploy(vertx, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).actualPort();

    HttpProbe.assertServesHealthAndMetrics(port);
    assertThat(kafka.topicConfig("maas.monitor")).containsEntry("cleanup.policy", "compact");
    var summary = HttpProbe.get(port, "/v1/summary");
    assertThat(summary.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(summary.body()).getString("window")).isEqualTo("PT5M");
    var unknown = HttpProbe.get(port, "/v1/summary?model=nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("unknown_model");
    for (String window : new String[] {"5m", "PT0S", "PT61M", "P1D"}) {
      var bad = HttpProbe.get(port, "/v1/summary?window=" + window);
      assertThat(bad.statusCode()).as(window).isEqualTo(400);
      assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("invalid_window");
    }
    assertThat(HttpProbe.get(port, "/").body()).contains("maas monitor");
  }
}
