package io.maas.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.inference.config.InferenceConfig;
import io.maas.registry.config.RegistryConfig;
import io.maas.testkit.Fixtures;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.ServiceProcess;
import io.maas.testkit.TestKafka;
import io.maas.trainer.TrainCommand;
import io.maas.trainer.data.Datasets;
import io.maas.trainer.data.Example;
import io.maas.trainer.data.Split;
import io.maas.trainer.model.TrainOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The platform the monitor watches, for its tests: the real registry and inference service in
 * this JVM with models trained on the committed fixture, and the monitor as a real process (so
 * that a test can kill it).
 */
final class MonitorPlatform implements AutoCloseable {

  static final String TOKEN = "test-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final TestKafka kafka;
  final Path dir;
  final int registryPort;
  final List<Example> examples;
  /** Texts the models were not trained on. */
  final List<Example> heldOut;
  private final List<Vertx> vertxes = new ArrayList<>();

  MonitorPlatform(TestKafka kafka, Path dir) throws Exception {
    this.kafka = kafka;
    this.dir = dir;
    this.examples = Datasets.read(Fixtures.copy(Fixtures.SPAM_SAMPLE, dir));
    this.heldOut = Split.of(examples, 1L, 0.2).test();
    registryPort = freePort();
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    io.maas.registry.Main.deploy(vertx, RegistryConfig.from(Settings.load(RegistryConfig.DEFAULTS, env(Map.of(
        "MAAS_REGISTRY_PORT", String.valueOf(registryPort), "MAAS_ADMIN_TOKEN", TOKEN)))))
        .toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "MAAS_HOME", dir.resolve("home").toString(),
        "MAAS_REGISTRY_URL", "http://127.0.0.1:" + registryPort,
        "MAAS_INFERENCE_PORT", "0"));
    env.putAll(extra);
    return env;
  }

  /** Trains a model on the fixture (the seed picks the weights) and registers it; its version. */
  int register(String model, long seed) throws Exception {
    TrainOptions options = new TrainOptions(1 << 12, 8, 8, 16, 0.01f, 4000, seed, 0.2, 0.1, 3, 1);
    Path archive = new TrainCommand(options, line -> { })
        .run(model, "fixture", examples, dir.resolve(model + "-" + seed + ".tar.gz"), "seed " + seed).archive();
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(registry("/v1/models/" + model + "/versions"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/gzip")
        .POST(HttpRequest.BodyPublishers.ofFile(archive)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    return new JsonObject(response.body()).getInteger("version");
  }

  void deploy(String model, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(registry("/v1/models/" + model + "/deployment"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private URI registry(String path) {
    return URI.create("http://127.0.0.1:" + registryPort + path);
  }

  /** Starts an inference instance in this JVM. */
  void startInference(Map<String, String> extra) throws Exception {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    io.maas.inference.Main.deploy(vertx, InferenceConfig.from(Settings.load(InferenceConfig.DEFAULTS, env(extra))))
        .toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  /** Starts the monitor as a process on {@code port} and waits until it has read the last hour. */
  ServiceProcess startMonitor(int port, Map<String, String> extra, String name) {
    Map<String, String> env = env(extra);
    env.put("MAAS_MONITOR_PORT", String.valueOf(port));
    ServiceProcess process = ServiceProcess.start(Main.class, env, dir.resolve(name + ".log"));
    Awaitility.await(name + " ready").atMost(Duration.ofSeconds(120)).ignoreExceptions()
        .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);
    return process;
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    for (int i = vertxes.size() - 1; i >= 0; i--) {
      vertxes.get(i).close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
