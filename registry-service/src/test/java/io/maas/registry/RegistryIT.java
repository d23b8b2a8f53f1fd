package io.maas.registry;

import static io.maas.testkit.TestArchives.file;
import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.common.event.ModelDeployment;
import io.maas.model.ModelArchive;
import io.maas.registry.config.RegistryConfig;
import io.maas.registry.http.RegistryApiVerticle;
import io.maas.registry.store.ArtifactStore;
import io.maas.testkit.ApiContract;
import io.maas.testkit.Fixtures;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestArchives;
import io.maas.testkit.TestKafka;
import io.maas.trainer.TrainCommand;
import io.maas.trainer.data.Datasets;
import io.maas.trainer.model.ModelPackage;
import io.maas.trainer.model.TrainOptions;
import io.prometheus.client.CollectorRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TFloat32;

/** The registry against the real broker, with real models trained on the committed fixture. */
@ExtendWith(KafkaExtension.class)
class RegistryIT {

  private static final String TOKEN = "test-admin-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static Path home;
  static Path modelA;
  static Path modelB;
  static Path modelDirA;

  /** The OpenAPI document each registry under test serves, by port: every answer is held against it. */
  private static final Map<Integer, ApiContract> DESCRIBED = new ConcurrentHashMap<>();

  private final List<Vertx> started = new ArrayList<>();

  @BeforeAll
  static void trainTwoVersions() throws Exception {
    home = dir.resolve("home");
    var examples = Datasets.read(Fixtures.copy(Fixtures.SPAM_SAMPLE, dir));
    TrainOptions a = new TrainOptions(1 << 12, 8, 5, 16, 0.01f, 2000, 1L, 0.2, 0.1, 2, 1);
    TrainOptions b = new TrainOptions(1 << 12, 8, 5, 16, 0.01f, 2000, 2L, 0.2, 0.1, 2, 1);
    modelA =
        new TrainCommand(a, line -> {})
            .run("spam", "fixture", examples, dir.resolve("a.tar.gz"), "first")
            .archive();
    modelB =
        new TrainCommand(b, line -> {})
            .run("spam", "fixture", examples, dir.resolve("b.tar.gz"), "second")
            .archive();
    modelDirA = dir.resolve("a");
    ModelArchive.unpack(modelA, modelDirA, ModelArchive.Limits.defaults());
  }

  @AfterEach
  void closeRegistries() throws Exception {
    DESCRIBED.clear();
    for (Vertx vertx : started) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private int startRegistry(TestKafka kafka, Map<String, String> overrides) throws Exception {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "MAAS_REGISTRY_PORT",
                "0",
                "MAAS_HOME",
                home.toString(),
                "MAAS_ADMIN_TOKEN",
                TOKEN));
    env.putAll(overrides);
    RegistryConfig config = RegistryConfig.from(Settings.load(RegistryConfig.DEFAULTS, env));
    Vertx vertx = Vertx.vertx();
    started.add(vertx);
    RegistryApiVerticle api =
        Main.deploy(vertx, config)
            .toCompletionStage()
            .toCompletableFuture()
            .get(90, TimeUnit.SECONDS);
    int port = api.actualPort();
    ApiContract described = ApiContract.fetch(vertx, port);
    described.assertDescribes(api.servedRoutes());
    DESCRIBED.put(port, described);
    for (String path : List.of("/health/live", "/health/ready", "/openapi.json")) {
      get(port, path);
    }
    // the alert rules name the rollout families: exported from the start, before any rollout
    assertThat(get(port, "/metrics").body())
        .contains("# TYPE maas_rollouts_total counter", "# TYPE maas_rollout_canary_weight gauge");
    return port;
  }

  /** The answer, once it is found to be one the registry's OpenAPI document describes. */
  private static <T> HttpResponse<T> described(HttpResponse<T> response) {
    ApiContract api = DESCRIBED.get(response.uri().getPort());
    assertThat(api)
        .as("the OpenAPI document of the registry on port %d", response.uri().getPort())
        .isNotNull();
    return api.check(response);
  }

  private static HttpResponse<String> get(int port, String path) {
    return described(HttpProbe.get(port, path));
  }

  private static HttpResponse<byte[]> request(
      int port, String method, String path, String contentType, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return described(HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  private static HttpResponse<byte[]> upload(
      int port, String model, Path archive, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = "Bearer " + TOKEN;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return request(
        port,
        "POST",
        "/v1/models/" + model + "/versions",
        "application/gzip",
        Files.readAllBytes(archive),
        all);
  }

  private static HttpResponse<byte[]> admin(int port, String method, String path, String json)
      throws Exception {
    return request(
        port,
        method,
        path,
        "application/json",
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        "Authorization",
        "Bearer " + TOKEN);
  }

  private static JsonObject json(HttpResponse<byte[]> response) {
    return new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
  }

  private static String reason(HttpResponse<byte[]> response) {
    return json(response).getString("error");
  }

  private static ModelDeployment latestOnModelsTopic(TestKafka kafka, String model, long revision) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ModelDeployment latest = null;
    while (System.nanoTime() < deadline) {
      List<ConsumerRecord<String, byte[]>> records =
          kafka.read("maas.models", Integer.MAX_VALUE, Duration.ofSeconds(2));
      latest =
          records.stream()
              .filter(r -> model.equals(r.key()) && r.value() != null)
              .map(r -> ModelDeployment.decode(r.value()))
              .reduce((x, y) -> y)
              .orElse(null);
      if (latest != null && latest.revision() >= revision) {
        return latest;
      }
    }
    return latest;
  }

  /** maas_registry_writes_total of this JVM's registries, by "operation/outcome". */
  private static Map<String, Double> writes() {
    Map<String, Double> writes = new TreeMap<>();
    for (String operation : List.of("upload", "deployment", "rollback")) {
      for (String outcome : List.of("ok", "rejected", "failed")) {
        Double value =
            CollectorRegistry.defaultRegistry.getSampleValue(
                "maas_registry_writes_total",
                new String[] {"operation", "outcome"},
                new String[] {operation, outcome});
        writes.put(operation + "/" + outcome, value == null ? 0 : value);
      }
    }
    return writes;
  }

  @Test
  void versionsDeploymentsRollbackAndRestartLoseNothing(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("spam");
    int port = startRegistry(kafka, Map.of());
    Map<String, Double> writesBefore = writes();
    HttpProbe.assertServesHealthAndMetrics(port);

    HttpResponse<byte[]> first =
        upload(
            port,
            model,
            modelA,
            "X-Maas-Metadata",
            "{\"description\":\"first cut\",\"tags\":[\"fixture\"]}");
    assertThat(first.statusCode())
        .as(new String(first.body(), StandardCharsets.UTF_8))
        .isEqualTo(201);
    JsonObject v1 = json(first);
    assertThat(v1.getInteger("version")).isEqualTo(1);
    assertThat(v1.getString("sha256")).isEqualTo(ArtifactStore.sha256(modelA));
    assertThat(v1.getJsonArray("classes").getList()).containsExactly("ham", "spam");
    assertThat(v1.getJsonObject("signature").getJsonObject("inputs").getString("text"))
        .isEqualTo("string [-1]");
    assertThat(v1.getJsonObject("metrics").getDouble("accuracy")).isNotNull();
    assertThat(v1.getString("description")).isEqualTo("first cut");
    assertThat(v1.getJsonArray("tags").getList()).containsExactly("fixture");
    JsonObject profile = v1.getJsonObject("profile");
    assertThat(profile).as("the trainer's held-out profile, shown at the top").isNotNull();
    assertThat(profile.getString("source")).isEqualTo("training");
    assertThat(profile.getLong("examples"))
        .isEqualTo(
            v1.getJsonObject("details").getJsonObject("data").getJsonObject("test").stream()
                .mapToLong(e -> ((Number) e.getValue()).longValue())
                .sum());
    assertThat(profile.getJsonObject("calibration")).isNotNull();
    assertThat(v1.getJsonObject("details").containsKey("profile")).as("not twice").isFalse();
    JsonObject path = v1.getJsonObject("details").getJsonObject("preprocessing");
    assertThat(path.getString("path")).as(path.encode()).isEqualTo("java");
    assertThat(path.getDouble("maxDifference")).isLessThanOrEqualTo(1e-5);

    HttpResponse<byte[]> second = upload(port, model, modelB);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(json(second).getInteger("version")).isEqualTo(2);
    HttpResponse<byte[]> again = upload(port, model, modelA);
    assertThat(again.statusCode()).as("the same artifact again is the same version").isEqualTo(200);
    assertThat(json(again).getInteger("version")).isEqualTo(1);

    JsonArray models = new JsonArray(get(port, "/v1/models").body());
    assertThat(
            models.stream()
                .map(JsonObject.class::cast)
                .filter(m -> model.equals(m.getString("model")))
                .findFirst())
        .hasValueSatisfying(
            m -> assertThat(m.getJsonArray("versions").getList()).containsExactly(1, 2));
    assertThat(new JsonArray(get(port, "/v1/models/" + model + "/versions").body())).hasSize(2);
    assertThat(get(port, "/v1/models/" + model + "/versions/3").statusCode()).isEqualTo(404);
    assertThat(get(port, "/v1/models/nobody-" + model).statusCode()).isEqualTo(404);

    HttpResponse<byte[]> artifact =
        request(port, "GET", "/v1/models/" + model + "/versions/2/artifact", null, null);
    assertThat(artifact.statusCode()).isEqualTo(200);
    assertThat(artifact.headers().firstValue("X-Maas-Sha256"))
        .hasValue(ArtifactStore.sha256(modelB));
    Path downloaded = dir.resolve(model + "-2.tar.gz");
    Files.write(downloaded, artifact.body());
    assertThat(ArtifactStore.sha256(downloaded)).isEqualTo(ArtifactStore.sha256(modelB));

    try (Admin admin = kafka.admin()) {
      assertThat(
              admin
                  .describeTopics(List.of("maas.requests." + model))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get("maas.requests." + model)
                  .partitions())
          .hasSize(6);
    }
    assertThat(kafka.topicConfig("maas.requests." + model))
        .as("a day and 1 GiB per partition by default")
        .containsEntry("retention.ms", "86400000")
        .containsEntry("retention.bytes", "1073741824");

    assertThat(
            admin(port, "PUT", "/v1/models/" + model + "/deployment", "{\"production\":1}")
                .statusCode())
        .isEqualTo(200);
    ModelDeployment revision1 = latestOnModelsTopic(kafka, model, 1);
    assertThat(revision1.revision()).isEqualTo(1);
    assertThat(revision1.production().version()).isEqualTo(1);
    assertThat(revision1.production().sha256()).isEqualTo(ArtifactStore.sha256(modelA));
    assertThat(revision1.production().artifact())
        .endsWith("/v1/models/" + model + "/versions/1/artifact");

    assertThat(
            admin(
                    port,
                    "PUT",
                    "/v1/models/" + model + "/deployment",
                    "{\"production\":2,\"canary\":{\"version\":1,\"weight\":0.1}}")
                .statusCode())
        .isEqualTo(200);
    ModelDeployment revision2 = latestOnModelsTopic(kafka, model, 2);
    assertThat(revision2.production().version()).isEqualTo(2);
    assertThat(revision2.canary().version()).isEqualTo(1);
    assertThat(revision2.canary().weight()).isEqualTo(0.1);

    HttpResponse<byte[]> unknown =
        admin(port, "PUT", "/v1/models/" + model + "/deployment", "{\"production\":9}");
    assertThat(unknown.statusCode()).isEqualTo(409);
    assertThat(reason(unknown)).isEqualTo("unknown_version");
    assertThat(
            admin(
                    port,
                    "PUT",
                    "/v1/models/" + model + "/deployment",
                    "{\"canary\":{\"version\":1}}")
                .statusCode())
        .isEqualTo(400);

    assertThat(admin(port, "POST", "/v1/models/" + model + "/rollback", null).statusCode())
        .isEqualTo(200);
    ModelDeployment revision3 = latestOnModelsTopic(kafka, model, 3);
    assertThat(revision3.revision()).isEqualTo(3);
    assertThat(revision3.production().version()).isEqualTo(1);
    assertThat(revision3.canary()).isNull();
    assertThat(admin(port, "POST", "/v1/models/" + model + "/rollback", null).statusCode())
        .isEqualTo(409);

    // Another registry process on the same state: everything acknowledged is there.
    started.remove(0).close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    int restarted =
        startRegistry(
            kafka,
            Map.of("MAAS_TOPIC_RETENTION", "PT2H", "MAAS_TOPIC_RETENTION_BYTES", "67108864"));
    for (String topic : List.of("maas.requests.", "maas.results.", "maas.shadow.")) {
      assertThat(kafka.topicConfig(topic + model))
          .as("retention re-applied at start to " + topic + model)
          .containsEntry("retention.ms", "7200000")
          .containsEntry("retention.bytes", "67108864")
          .containsEntry("segment.bytes", "16777216")
          .containsEntry("segment.ms", "1800000");
    }
    JsonObject found = new JsonObject(get(restarted, "/v1/models/" + model).body());
    assertThat(found.getJsonArray("versions")).hasSize(2);
    assertThat(found.getJsonObject("deployment").getLong("revision")).isEqualTo(3);
    assertThat(found.getJsonArray("productionHistory").getList()).containsExactly(1);
    assertThat(
            new JsonObject(get(restarted, "/v1/models/" + model + "/versions/1").body())
                .getJsonObject("profile"))
        .as("the profile survives the restart")
        .isEqualTo(profile);
    HttpResponse<byte[]> after =
        request(restarted, "GET", "/v1/models/" + model + "/versions/1/artifact", null, null);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.headers().firstValue("X-Maas-Sha256")).hasValue(ArtifactStore.sha256(modelA));
    HttpResponse<byte[]> third = upload(restarted, model, modelB);
    assertThat(json(third).getInteger("version")).as("B is version 2 still").isEqualTo(2);

    Map<String, Double> counted = writes();
    counted.replaceAll((key, value) -> value - writesBefore.get(key));
    assertThat(counted)
        .as("maas_registry_writes_total, by answer")
        .isEqualTo(
            Map.of(
                "upload/ok",
                4.0,
                "upload/rejected",
                0.0,
                "upload/failed",
                0.0,
                "deployment/ok",
                2.0,
                "deployment/rejected",
                2.0,
                "deployment/failed",
                0.0,
                "rollback/ok",
                1.0,
                "rollback/rejected",
                1.0,
                "rollback/failed",
                0.0));
  }

  @Test
  void rolloutsAreCheckedHoldWithoutTheMonitorAndSurviveARestart(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("roll");
    // nothing listens there: a rollout without its monitor holds its step until maxStepSeconds
    Map<String, String> noMonitor =
        Map.of("MAAS_MONITOR_URL", "http://127.0.0.1:9", "MAAS_ROLLOUT_INTERVAL_MS", "200");
    int port = startRegistry(kafka, noMonitor);
    assertThat(upload(port, model, modelA).statusCode()).isEqualTo(201);
    assertThat(upload(port, model, modelB).statusCode()).isEqualTo(201);
    String rollouts = "/v1/models/" + model + "/rollouts";

    HttpResponse<byte[]> noToken =
        request(
            port,
            "POST",
            rollouts,
            "application/json",
            "{\"version\":2}".getBytes(StandardCharsets.UTF_8));
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(reason(admin(port, "POST", rollouts, "{\"version\":2}")))
        .as("nothing to compare with yet")
        .isEqualTo("not_deployed");
    assertThat(
            admin(port, "PUT", "/v1/models/" + model + "/deployment", "{\"production\":1}")
                .statusCode())
        .isEqualTo(200);
    for (String bad :
        List.of(
            "{\"version\":2,\"steps\":[0.5,0.25]}",
            "{\"version\":2,\"steps\":[0,1]}",
            "{\"version\":2,\"steps\":[0.5,1.5]}",
            "{\"version\":\"2\"}",
            "not json")) {
      HttpResponse<byte[]> refused = admin(port, "POST", rollouts, bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
    }
    HttpResponse<byte[]> unknown = admin(port, "POST", rollouts, "{\"version\":9}");
    assertThat(unknown.statusCode()).isEqualTo(409);
    assertThat(reason(unknown)).isEqualTo("unknown_version");
    assertThat(reason(admin(port, "POST", rollouts, "{\"version\":1}")))
        .isEqualTo("already_production");

    HttpResponse<byte[]> begun =
        admin(
            port,
            "POST",
            rollouts,
            "{\"version\":2,\"steps\":[0.1,0.5,1.0],\"minResults\":10,\"maxStepSeconds\":600}");
    assertThat(begun.statusCode())
        .as(new String(begun.body(), StandardCharsets.UTF_8))
        .isEqualTo(202);
    JsonObject rollout = json(begun);
    assertThat(rollout.getInteger("id")).isEqualTo(1);
    assertThat(rollout.getString("state")).isEqualTo("running");
    assertThat(begun.headers().firstValue("Location")).hasValue(rollouts + "/1");
    ModelDeployment step1 = latestOnModelsTopic(kafka, model, 2);
    assertThat(step1.production().version()).isEqualTo(1);
    assertThat(step1.canary().version()).isEqualTo(2);
    assertThat(step1.canary().weight()).isEqualTo(0.1);
    assertThat(step1.rollout())
        .isEqualTo(new ModelDeployment.RolloutMark(1, 2, "running", 0.1, 1, 3, null));

    assertThat(reason(admin(port, "POST", rollouts, "{\"version\":2}")))
        .isEqualTo("rollout_running");
    assertThat(
            reason(admin(port, "PUT", "/v1/models/" + model + "/deployment", "{\"production\":2}")))
        .isEqualTo("rollout_running");
    assertThat(reason(admin(port, "POST", "/v1/models/" + model + "/rollback", null)))
        .isEqualTo("rollout_running");
    org.awaitility.Awaitility.await("the rollout says what it waits for")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                String.valueOf(
                        new JsonObject(get(port, rollouts + "/1").body()).getString("waitingFor"))
                    .contains("monitor"));

    // another registry on the same state goes on from the same step
    started.remove(0).close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    int restarted = startRegistry(kafka, noMonitor);
    JsonObject after = new JsonObject(get(restarted, rollouts + "/1").body());
    assertThat(after.getString("state")).isEqualTo("running");
    assertThat(after.getDouble("step")).isEqualTo(0.1);
    assertThat(after.getLong("stepStartedAt")).isEqualTo(rollout.getLong("stepStartedAt"));
    assertThat(request(restarted, "DELETE", rollouts + "/1", null, null).statusCode())
        .isEqualTo(401);
    HttpResponse<byte[]> aborted = admin(restarted, "DELETE", rollouts + "/1", null);
    assertThat(aborted.statusCode()).isEqualTo(200);
    assertThat(json(aborted).getString("state")).isEqualTo("aborted");
    ModelDeployment back = latestOnModelsTopic(kafka, model, 3);
    assertThat(back.production().version()).isEqualTo(1);
    assertThat(back.canary()).isNull();
    assertThat(back.rollout().state()).isEqualTo("aborted");
    assertThat(reason(admin(restarted, "DELETE", rollouts + "/1", null)))
        .isEqualTo("rollout_ended");
    assertThat(get(restarted, rollouts + "/7").statusCode()).isEqualTo(404);

    // a step without a verdict in time rolls back by itself
    assertThat(
            admin(
                    restarted,
                    "POST",
                    rollouts,
                    "{\"version\":2,\"steps\":[0.2],\"maxStepSeconds\":10}")
                .statusCode())
        .isEqualTo(202);
    org.awaitility.Awaitility.await("rolled back after 10 s")
        .atMost(Duration.ofSeconds(40))
        .until(
            () ->
                "rolled_back"
                    .equals(
                        new JsonObject(get(restarted, rollouts + "/2").body()).getString("state")));
    JsonObject timedOut = new JsonObject(get(restarted, rollouts + "/2").body());
    assertThat(timedOut.getString("gate")).isEqualTo("max_step_seconds");
    assertThat(timedOut.getString("reason")).contains("monitor");
    ModelDeployment last = latestOnModelsTopic(kafka, model, 5);
    assertThat(last.production().version()).isEqualTo(1);
    assertThat(last.canary()).isNull();
    assertThat(new JsonArray(get(restarted, rollouts).body())).hasSize(2);
  }

  @Test
  void badUploadsAreRefusedWithDistinctReasonsAndNothingIsStored(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("bad");
    int port = startRegistry(kafka, Map.of());

    assertThat(reason(upload(port, model, text("not a model")))).isEqualTo("not_gzip");
    assertThat(reason(upload(port, model, tar(t -> file(t, "../escape.txt", "x")))))
        .isEqualTo("path_traversal");
    assertThat(
            reason(
                upload(
                    port,
                    model,
                    tar(
                        t -> {
                          TarArchiveEntry link =
                              new TarArchiveEntry("saved_model.pb", TarConstants.LF_SYMLINK);
                          link.setLinkName("../../../etc/passwd");
                          t.putArchiveEntry(link);
                          t.closeArchiveEntry();
                        }))))
        .isEqualTo("unsafe_link");
    assertThat(
            reason(
                upload(
                    port,
                    model,
                    tar(t -> file(t, "maas-model.json", "{\"classes\":[\"ham\",\"spam\"]}")))))
        .isEqualTo("missing_saved_model");
    HttpResponse<byte[]> numeric = upload(port, model, numericInputModel());
    assertThat(numeric.statusCode()).isEqualTo(422);
    assertThat(reason(numeric)).isEqualTo("invalid_signature");
    assertThat(json(numeric).getString("message")).contains("'text' must be a string tensor");
    assertThat(reason(upload(port, model, withClasses("[\"a\",\"b\",\"c\"]"))))
        .isEqualTo("class_mismatch");

    // the Java path is checked, not trusted: a spec that does not match the graph (a cut at 5
    // characters where the graph cuts at 2,000), or none, is accepted and served through the graph
    String graphOnly = TestKafka.unique("graph-only");
    HttpResponse<byte[]> lying =
        upload(
            port,
            graphOnly,
            withMetadata(
                m -> {
                  m.getJsonObject("preprocessing").put("maxChars", 5);
                  return m;
                }));
    assertThat(lying.statusCode()).isEqualTo(201);
    JsonObject lyingPath = json(lying).getJsonObject("details").getJsonObject("preprocessing");
    assertThat(lyingPath.getString("path")).isEqualTo("graph");
    assertThat(lyingPath.getString("reason")).contains("differ from the graph's");
    assertThat(lyingPath.getDouble("maxDifference")).isGreaterThan(1e-5);
    HttpResponse<byte[]> none =
        upload(
            port,
            graphOnly,
            withMetadata(
                m -> {
                  m.remove("preprocessing");
                  return m;
                }));
    assertThat(none.statusCode()).isEqualTo(201);
    assertThat(json(none).getJsonObject("details").getJsonObject("preprocessing").getMap())
        .containsEntry("path", "graph")
        .containsEntry("reason", "the metadata describes no preprocessing")
        .containsEntry("textsCompared", 0);

    HttpResponse<byte[]> wrongType =
        request(
            port,
            "POST",
            "/v1/models/" + model + "/versions",
            "text/plain",
            "x".getBytes(StandardCharsets.UTF_8),
            "Authorization",
            "Bearer " + TOKEN);
    assertThat(wrongType.statusCode()).isEqualTo(415);
    HttpResponse<byte[]> noToken =
        request(
            port,
            "POST",
            "/v1/models/" + model + "/versions",
            "application/gzip",
            Files.readAllBytes(modelA));
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(reason(noToken)).isEqualTo("unauthorized");
    HttpResponse<byte[]> wrongToken =
        request(
            port,
            "POST",
            "/v1/models/" + model + "/versions",
            "application/gzip",
            Files.readAllBytes(modelA),
            "Authorization",
            "Bearer " + TOKEN + "x");
    assertThat(wrongToken.statusCode()).isEqualTo(401);
    assertThat(
            request(
                    port,
                    "PUT",
                    "/v1/models/" + model + "/deployment",
                    "application/json",
                    "{\"production\":1}".getBytes(StandardCharsets.UTF_8))
                .statusCode())
        .isEqualTo(401);

    assertThat(get(port, "/v1/models/" + model).statusCode())
        .as("nothing was stored")
        .isEqualTo(404);

    int small = startRegistry(kafka, Map.of("MAAS_REGISTRY_MAX_ARCHIVE_BYTES", "4096"));
    HttpResponse<byte[]> tooLarge = upload(small, model, modelA);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(reason(tooLarge)).isEqualTo("payload_too_large");

    int locked = startRegistry(kafka, Map.of("MAAS_ADMIN_TOKEN", ""));
    HttpResponse<byte[]> disabled = upload(locked, model, modelA);
    assertThat(disabled.statusCode()).isEqualTo(401);
    assertThat(reason(disabled)).isEqualTo("writes_disabled");
    assertThat(json(disabled).getString("message")).contains("MAAS_ADMIN_TOKEN");
    assertThat(get(locked, "/v1/models/" + model).statusCode()).isEqualTo(404);
  }

  @Test
  void multipartUploadsCarryTheirMetadataPart(TestKafka kafka) throws Exception {
    String model = TestKafka.unique("form");
    int port = startRegistry(kafka, Map.of());
    String boundary = "maas-boundary-42";
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
                + "{\"description\":\"sent as a form\",\"tags\":[\"multipart\"]}\r\n"
                + "--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"b.tar.gz\"\r\n"
                + "Content-Type: application/gzip\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(Files.readAllBytes(modelB));
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> response =
        request(
            port,
            "POST",
            "/v1/models/" + model + "/versions",
            "multipart/form-data; boundary=" + boundary,
            body.toByteArray(),
            "Authorization",
            "Bearer " + TOKEN);

    assertThat(response.statusCode())
        .as(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(201);
    assertThat(json(response).getString("description")).isEqualTo("sent as a form");
    assertThat(json(response).getJsonArray("tags").getList()).containsExactly("multipart");
    assertThat(json(response).getString("sha256")).isEqualTo(ArtifactStore.sha256(modelB));
  }

  private static Path tar(TestArchives.Entries entries) throws IOException {
    return TestArchives.tarGz(dir, entries);
  }

  private static Path text(String content) throws IOException {
    Path file = Files.createTempFile(dir, "text-", ".tar.gz");
    Files.writeString(file, content);
    return file;
  }

  /** The trained model with other class names in its metadata. */
  private static Path withClasses(String classes) throws IOException {
    return withMetadata(m -> m.put("classes", new JsonArray(classes)));
  }

  /** The trained model with its metadata changed. */
  private static Path withMetadata(java.util.function.UnaryOperator<JsonObject> change)
      throws IOException {
    Path copy = dir.resolve("classes-" + System.nanoTime());
    try (var files = Files.walk(modelDirA)) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(modelDirA.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    JsonObject metadata = new JsonObject(Files.readString(copy.resolve("maas-model.json")));
    Files.writeString(copy.resolve("maas-model.json"), change.apply(metadata).encode());
    Path archive = dir.resolve(copy.getFileName() + ".tar.gz");
    ModelPackage.pack(copy, archive);
    return archive;
  }

  /** A loadable SavedModel whose 'text' input is a float tensor: the registry must refuse it. */
  private static Path numericInputModel() throws IOException {
    Path export = dir.resolve("numeric-" + System.nanoTime());
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x =
          tf.withName("text").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> probabilities =
          tf.withName("probabilities").nn.softmax(tf.stack(List.of(x, x), Stack.axis(1L)));
      try (Session session = new Session(graph)) {
        Signature signature =
            Signature.builder()
                .key(Signature.DEFAULT_KEY)
                .input("text", x)
                .output("probabilities", probabilities)
                .build();
        SavedModelBundle.exporter(export.toString())
            .withTags("serve")
            .withFunction(SessionFunction.create(signature, session))
            .export();
      }
    }
    Files.writeString(export.resolve("maas-model.json"), "{\"classes\":[\"ham\",\"spam\"]}");
    Path archive = dir.resolve(export.getFileName() + ".tar.gz");
    ModelPackage.pack(export, archive);
    return archive;
  }
}
