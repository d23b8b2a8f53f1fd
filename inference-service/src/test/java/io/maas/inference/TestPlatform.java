package io.maas.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.http.InferenceApiVerticle;
import io.maas.registry.config.RegistryConfig;
import io.maas.testkit.ApiContract;
import io.maas.testkit.Fixtures;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A registry with real models trained on the committed fixture, for the serving tests (and the
 * monitor's, through this module's test jar): train, register, deploy, and configure inference
 * instances against it.
 */
public final class TestPlatform implements AutoCloseable {

  public static final String TOKEN = "test-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final TestKafka kafka;
  public final Path home;
  public final int registryPort;
  public final List<Example> trainingExamples;

  /** The fixture's mails the models are not trained on. */
  public final List<Example> heldOut;

  private final Path dir;
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<Example> examples;

  public TestPlatform(TestKafka kafka, Path dir) throws Exception {
    this(kafka, dir, Map.of());
  }

  /** @param registryEnv settings of the registry besides the platform's (MAAS_MONITOR_URL, for instance) */
  public TestPlatform(TestKafka kafka, Path dir, Map<String, String> registryEnv) throws Exception {
    this.kafka = kafka;
    this.dir = dir;
    this.home = dir.resolve("home");
    this.examples = Datasets.read(Fixtures.copy(Fixtures.SPAM_SAMPLE, dir));
    this.trainingExamples = Split.of(examples, 1L, 0.2).train();
    this.heldOut = Split.of(examples, 1L, 0.2).test();
    registryPort = freePort();
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    Map<String, String> registry = new HashMap<>(registryEnv);
    registry.put("MAAS_REGISTRY_PORT", String.valueOf(registryPort));
    registry.put("MAAS_ADMIN_TOKEN", TOKEN);
    io.maas.registry.Main.deploy(
            vertx, RegistryConfig.from(Settings.load(RegistryConfig.DEFAULTS, env(registry))))
        .toCompletionStage()
        .toCompletableFuture()
        .get(90, TimeUnit.SECONDS);
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "MAAS_HOME", home.toString(),
                "MAAS_REGISTRY_URL", "http://127.0.0.1:" + registryPort));
    env.putAll(extra);
    return env;
  }

  /** Trains a model on the fixture (seed picks the weights), registers it; its version number. */
  public int register(String model, long seed) throws Exception {
    return register(model, seed, examples, "seed " + seed);
  }

  /** Trains a model that answers every mail wrong (ham and spam swapped in training), registers it; its version. */
  public int registerSwapped(String model, long seed) throws Exception {
    List<Example> swapped =
        examples.stream()
            .map(
                e ->
                    new Example(
                        e.id(), e.text(), "spam".equals(e.label()) ? "ham" : "spam", e.checksum()))
            .toList();
    return register(model, seed, swapped, "labels swapped, seed " + seed);
  }

  private int register(String model, long seed, List<Example> data, String description)
      throws Exception {
    TrainOptions options = new TrainOptions(1 << 12, 8, 8, 16, 0.01f, 4000, seed, 0.2, 0.1, 3, 1);
    Path archive =
        new TrainCommand(options, line -> {})
            .run(
                model,
                "fixture",
                data,
                dir.resolve(model + "-" + description.hashCode() + ".tar.gz"),
                description)
            .archive();
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(registry("/v1/models/" + model + "/versions"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofFile(archive))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    return new JsonObject(response.body()).getInteger("version");
  }

  public void deploy(String model, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(registry("/v1/models/" + model + "/deployment"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** A registry call with the admin token and a JSON body (or none). */
  public HttpResponse<String> admin(String method, String path, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(registry(path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI registry(String path) {
    return URI.create("http://127.0.0.1:" + registryPort + path);
  }

  /** Settings for an inference instance (or an ingest one) on this platform, port 0. */
  public Map<String, String> serviceEnv(Map<String, String> extra) {
    Map<String, String> env =
        env(Map.of("MAAS_INFERENCE_PORT", "0", "MAAS_INGEST_PORT", "0", "MAAS_GRPC_PORT", "0"));
    env.putAll(extra);
    return env;
  }

  public InferenceConfig inferenceConfig(Map<String, String> extra) {
    return InferenceConfig.from(Settings.load(InferenceConfig.DEFAULTS, serviceEnv(extra)));
  }

  /** Starts an inference instance in this JVM; its HTTP port. */
  public int startInference(Map<String, String> extra) throws Exception {
    return startInferenceApi(extra).actualPort();
  }

  /** Starts an inference instance in this JVM; its HTTP API. */
  public InferenceApiVerticle startInferenceApi(Map<String, String> extra) throws Exception {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    return Main.deploy(vertx, inferenceConfig(extra))
        .toCompletionStage()
        .toCompletableFuture()
        .get(90, TimeUnit.SECONDS);
  }

  /** The OpenAPI document the service on {@code port} serves, to hold its answers against. */
  public ApiContract described(int port) {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    return ApiContract.fetch(vertx, port);
  }

  /** Starts an ingest instance in this JVM; its HTTP port. */
  public int startIngest(Map<String, String> extra) throws Exception {
    return startIngestApi(extra).actualPort();
  }

  /** Starts an ingest instance in this JVM; its API (HTTP and gRPC ports). */
  public io.maas.ingest.http.IngestApiVerticle startIngestApi(Map<String, String> extra)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    io.maas.ingest.config.IngestConfig config =
        io.maas.ingest.config.IngestConfig.from(
            Settings.load(io.maas.ingest.config.IngestConfig.DEFAULTS, serviceEnv(extra)));
    return io.maas.ingest.Main.deploy(vertx, config)
        .toCompletionStage()
        .toCompletableFuture()
        .get(90, TimeUnit.SECONDS);
  }

  /** A port nobody listens on right now, for a service process's HTTP API. */
  public static int freePort() throws Exception {
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
