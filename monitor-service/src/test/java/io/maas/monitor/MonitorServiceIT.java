package io.maas.monitor;

import io.maas.common.config.MaasConfig;
import io.maas.common.config.Settings;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service started against the real broker: health, metrics, owned topics, and 501 where the API is not built. */
@ExtendWith({VertxExtension.class, KafkaExtension.class})
class MonitorServiceIT {

  @Test
  void startsAgainstTheRealBroker(Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    MaasConfig config = MaasConfig.from(Settings.load(MaasConfig.DEFAULTS, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "MAAS_MONITOR_PORT", "0", "MAAS_HOME", home.toString())));

    int port = Main.deploy(vertx, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).actualPort();

    HttpProbe.assertServesHealthAndMetrics(port);
    HttpProbe.assertNotImplemented(port, "GET", "/v1/summary");
  }
}
