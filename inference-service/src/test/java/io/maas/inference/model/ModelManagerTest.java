package io.maas.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.common.event.ModelDeployment;
import io.maas.inference.config.InferenceConfig;
import io.prometheus.client.CollectorRegistry;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version that cannot be loaded is counted, serves nothing, and says why. */
class ModelManagerTest {

  @TempDir Path home;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Double sample(String name, String[] labels, String... values) {
    return CollectorRegistry.defaultRegistry.getSampleValue(name, labels, values);
  }

  @Test
  void aVersionWhoseArtifactCannotBeDownloadedCountsAsALoadFailure() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    InferenceConfig config =
        InferenceConfig.from(
            Settings.load(InferenceConfig.DEFAULTS, Map.of("MAAS_HOME", home.toString())));
    ModelManager manager = new ModelManager(vertx, config);
    String model = "unloadable-" + System.nanoTime();
    ModelDeployment deployment =
        new ModelDeployment(
            model,
            1,
            new ModelDeployment.Slot(
                3,
                "http://127.0.0.1:" + closed + "/v1/models/" + model + "/versions/3/artifact",
                "0".repeat(64),
                null),
            null,
            null,
            System.currentTimeMillis());

    vertx.runOnContext(v -> manager.deploy(deployment));

    Awaitility.await("the failed load")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                manager.status().getJsonObject(model) != null
                    && manager.status().getJsonObject(model).getString("lastError") != null);
    assertThat(
            sample("maas_model_load_failures_total", new String[] {"model", "version"}, model, "3"))
        .isEqualTo(1.0);
    assertThat(manager.slots(model)).isNull();
    assertThat(
            sample(
                "maas_model_loaded",
                new String[] {"model", "version", "role"},
                model,
                "3",
                "production"))
        .isNull();
  }
}
