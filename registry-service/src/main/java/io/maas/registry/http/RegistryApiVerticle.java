package io.maas.registry.http;

import io.maas.common.event.Names;
import io.maas.common.http.ApiVerticle;
import io.maas.common.http.BearerTokens;
import io.maas.common.http.HttpErrors;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.TopicSpec;
import io.maas.common.kafka.Topics;
import io.maas.common.profile.ReferenceProfile;
import io.maas.model.ModelArchive;
import io.maas.model.ModelCheck;
import io.maas.model.ModelException;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.catalog.ModelVersion;
import io.maas.registry.config.RegistryConfig;
import io.maas.registry.deploy.Deployer;
import io.maas.registry.kafka.RegistryLog;
import io.maas.registry.rollout.MonitorClient;
import io.maas.registry.rollout.Rollout;
import io.maas.registry.rollout.RolloutController;
import io.maas.registry.store.ArtifactStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's HTTP API and its single-threaded core: uploads are streamed to disk, checked
 * on a worker thread (hostile-archive unpacking, signature, TensorFlow load, warm-up), stored
 * by content, recorded on {@code maas.registry}; deployments are recorded there and published
 * on {@code maas.models}. Reads are open; writes need the admin token.
 */
public final class RegistryApiVerticle extends ApiVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryApiVerticle.class);
  private static final String VERSIONS = "/v1/models/:model/versions";
  private static final int JSON_LIMIT = 64 * 1024;

  private final RegistryConfig config;
  private final KafkaClients clients;
  private final KafkaAdminVerticle kafka;
  private final Catalog catalog = new Catalog();
  private ArtifactStore store;
  private RegistryLog log;
  private Deployer deployer;
  private RolloutController rollouts;
  private volatile boolean loaded;

  public RegistryApiVerticle(RegistryConfig config, KafkaClients clients, KafkaAdminVerticle kafka) {
    super(config.maas().registryPort(), kafka);
    this.config = config;
    this.clients = clients;
    this.kafka = kafka;
  }

  @Override
  public Future<?> start() {
    store = new ArtifactStore(config.directory());
    log = new RegistryLog(vertx, clients, catalog);
    deployer = new Deployer(catalog, log, config.maas().registryUrl());
    rollouts = new RolloutController(vertx, catalog, log, deployer, new MonitorClient(vertx, config.monitorUrl()),
        config.rolloutIntervalMillis());
    return vertx.executeBlocking(() -> {
          store.init();
          return null;
        })
        .compose(v -> log.start())
        // retention settings may have changed since the topics were made
        .compose(v -> kafka.provisioner().ensure(vertx, catalog.models().stream().flatMap(m -> modelTopics(m).stream()).toList()))
        .onSuccess(v -> loaded = true)
        .compose(v -> super.start())
        .onSuccess(v -> rollouts.start());
  }

  private List<TopicSpec> modelTopics(String model) {
    return Topics.modelSpecs(model, config.partitions(), config.retention());
  }

  @Override
  public Future<?> stop() {
    return rollouts.stop().compose(v -> log.close());
  }

  @Override
  protected void readiness(HealthChecks checks) {
    checks.register("catalog", promise -> promise.complete(loaded ? Status.OK() : Status.KO()));
  }

  @Override
  protected void routes(Router router) {
    router.post(VERSIONS).handler(RegistryMetrics.counting(RegistryMetrics.UPLOAD));
    router.post(VERSIONS).handler(this::requireAdmin);
    router.post(VERSIONS).consumes("application/gzip").consumes("application/x-gzip")
        .consumes("application/octet-stream").handler(this::uploadStream);
    router.post(VERSIONS).consumes("multipart/form-data")
        .handler(BodyHandler.create(config.directory().resolve("uploads").toString())
            .setBodyLimit(config.maxArchiveBytes()).setDeleteUploadedFilesOnEnd(true))
        .handler(this::uploadMultipart);
    router.post(VERSIONS).handler(ctx -> HttpErrors.respond(ctx, 415, "unsupported_media_type",
        "upload the model as application/gzip (a .tar.gz of the SavedModel) or multipart/form-data"));

    router.get("/v1/models").handler(this::listModels);
    router.get("/v1/models/:model").handler(ctx -> withModel(ctx, this::getModel));
    router.get(VERSIONS).handler(ctx -> withModel(ctx, (c, model) ->
        c.json(new JsonArray(catalog.versions(model).stream().map(this::view).toList()))));
    router.get(VERSIONS + "/:version").handler(ctx -> withVersion(ctx, v -> ctx.json(view(v))));
    router.get(VERSIONS + "/:version/artifact").handler(ctx -> withVersion(ctx, v -> ctx.response()
        .putHeader("Content-Type", "application/gzip")
        .putHeader("X-Maas-Sha256", v.sha256())
        .putHeader("ETag", "\"" + v.sha256() + "\"")
        .putHeader("Content-Disposition", "attachment; filename=\"" + v.model() + "-" + v.version() + ".tar.gz\"")
        .sendFile(store.blob(v.sha256()).toString())));

    router.put("/v1/models/:model/deployment").handler(RegistryMetrics.counting(RegistryMetrics.DEPLOYMENT));
    router.put("/v1/models/:model/deployment").handler(BodyHandler.create(false).setBodyLimit(JSON_LIMIT))
        .handler(this::requireAdmin).handler(this::deploy);
    router.post("/v1/models/:model/rollback").handler(RegistryMetrics.counting(RegistryMetrics.ROLLBACK))
        .handler(this::requireAdmin).handler(this::rollback);
    new RolloutApi(catalog, rollouts).routes(router, this::requireAdmin, JSON_LIMIT);
  }

  // ---- authorization

  private void requireAdmin(RoutingContext ctx) {
    Optional<String> token = config.maas().adminToken();
    if (token.isEmpty()) {
      HttpErrors.respond(ctx, 401, "writes_disabled",
          "registry writes are disabled: start the registry with MAAS_ADMIN_TOKEN set, then send 'Authorization: Bearer <token>'");
      return;
    }
    if (!BearerTokens.of(List.of(token.get())).accepts(ctx.request().getHeader("Authorization"))) {
      HttpErrors.respond(ctx, 401, "unauthorized", "send 'Authorization: Bearer <MAAS_ADMIN_TOKEN>' to change the registry");
      return;
    }
    ctx.next();
  }

  // ---- uploads

  private void uploadStream(RoutingContext ctx) {
    // Hold the body until the file it streams into is open.
    ctx.request().pause();
    String model = ctx.pathParam("model");
    if (!validModel(ctx, model)) {
      return;
    }
    JsonObject metadata;
    try {
      metadata = uploadMetadata(ctx.request().getHeader("X-Maas-Metadata"));
    } catch (IllegalArgumentException e) {
      HttpErrors.respond(ctx, 400, "invalid_metadata", e.getMessage());
      return;
    }
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && parseLong(length) > config.maxArchiveBytes()) {
      tooLarge(ctx);
      return;
    }
    Path upload = store.newUpload();
    receive(ctx.request(), upload)
        .compose(size -> register(model, upload, metadata))
        .onComplete(ar -> answer(ctx, upload, ar));
  }

  private void uploadMultipart(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    if (!validModel(ctx, model)) {
      return;
    }
    List<FileUpload> files = ctx.fileUploads();
    if (files.size() != 1) {
      HttpErrors.respond(ctx, 400, "invalid_upload", "send exactly one file part (the .tar.gz), got " + files.size());
      return;
    }
    JsonObject metadata;
    try {
      String part = ctx.request().getFormAttribute("metadata");
      metadata = uploadMetadata(part != null ? part : ctx.request().getHeader("X-Maas-Metadata"));
    } catch (IllegalArgumentException e) {
      HttpErrors.respond(ctx, 400, "invalid_metadata", e.getMessage());
      return;
    }
    Path upload = store.newUpload();
    vertx.fileSystem().move(files.get(0).uploadedFileName(), upload.toString())
        .compose(v -> register(model, upload, metadata))
        .onComplete(ar -> answer(ctx, upload, ar));
  }

  /** Streams the request body into {@code file}, refusing it past the size limit. */
  private Future<Long> receive(HttpServerRequest request, Path file) {
    Promise<Long> done = Promise.promise();
    vertx.fileSystem().open(file.toString(), new OpenOptions().setCreateNew(true).setWrite(true))
        .onFailure(done::tryFail)
        .onSuccess(out -> {
          long[] received = {0};
          request.handler(buffer -> {
            received[0] += buffer.length();
            if (received[0] > config.maxArchiveBytes()) {
              if (done.tryFail(new TooLarge())) {
                out.close();
              }
              return;
            }
            if (!done.future().isComplete()) {
              out.write(buffer);
              if (out.writeQueueFull()) {
                request.pause();
                out.drainHandler(v -> request.resume());
              }
            }
          });
          request.exceptionHandler(e -> {
            if (done.tryFail(e)) {
              out.close();
            }
          });
          request.endHandler(v -> {
            if (!done.future().isComplete()) {
              out.close().onComplete(ar -> {
                if (ar.succeeded()) {
                  done.tryComplete(received[0]);
                } else {
                  done.tryFail(ar.cause());
                }
              });
            }
          });
          request.resume();
        });
    return done.future();
  }

  /** Outcome of the blocking checks of an upload. */
  private record Checked(String sha256, long size, ModelCheck.Checked model) {
  }

  /** A registered version, and whether it was new (201) or this very artifact again (200). */
  private record Registered(ModelVersion version, boolean created) {
  }

  private Future<Registered> register(String model, Path upload, JsonObject metadata) {
    List<String> classesOverride = strings(metadata.getValue("classes"), "classes");
    return vertx.executeBlocking(() -> check(upload, classesOverride), false).compose(checked -> {
      Optional<ModelVersion> same = catalog.bySha256(model, checked.sha256());
      if (same.isPresent()) {
        return vertx.executeBlocking(() -> Files.deleteIfExists(upload), false).map(v -> new Registered(same.get(), false));
      }
      boolean first = !catalog.exists(model);
      return vertx.executeBlocking(() -> store.commit(upload, checked.sha256()), false)
          .compose(blob -> first ? kafka.provisioner().ensure(vertx, modelTopics(model))
              : Future.succeededFuture())
          .compose(v -> {
            ModelVersion version = newVersion(model, catalog.reserveVersion(model), checked, metadata);
            return log.append(version.key(), version.toJson()).map(x -> new Registered(version, true));
          });
    });
  }

  private Checked check(Path upload, List<String> classesOverride) throws IOException {
    String sha256 = ArtifactStore.sha256(upload);
    long size = Files.size(upload);
    Path work = store.newWorkDir();
    try {
      ModelArchive.unpack(upload, work, config.limits());
      return new Checked(sha256, size, ModelCheck.check(work, classesOverride));
    } finally {
      deleteTree(work);
    }
  }

  private ModelVersion newVersion(String model, int version, Checked checked, JsonObject upload) {
    JsonObject trainer = checked.model().metadata();
    JsonObject details = new JsonObject();
    for (String key : List.of("metrics", "options", "data", "training", "trainer", "created")) {
      if (trainer.containsKey(key)) {
        details.put(key, trainer.getValue(key));
      }
    }
    if (trainer.containsKey("profile")) {
      // the monitor builds a profile from production results when a version has none; a
      // malformed one is dropped rather than refusing a model that serves well
      try {
        details.put("profile", ReferenceProfile.fromJson(trainer.getJsonObject("profile")).toJson());
      } catch (ClassCastException | IllegalArgumentException e) {
        LOG.warn("Model {} version {} carries a reference profile that is not one ({}); it is registered without",
            model, version, e.getMessage());
      }
    }
    details.put("warmupMillis", checked.model().warmupMillis());
    String description = upload.getString("description", trainer.getString("description", ""));
    return new ModelVersion(model, version, checked.sha256(), checked.size(), System.currentTimeMillis(),
        upload.getString("createdBy", "admin"), description == null ? "" : description,
        strings(upload.getValue("tags"), "tags"), checked.model().classes(), checked.model().signature(), details);
  }

  private void answer(RoutingContext ctx, Path upload, io.vertx.core.AsyncResult<Registered> ar) {
    if (ar.succeeded()) {
      Registered registered = ar.result();
      LOG.info("{} model {} version {} (sha256 {})", registered.created() ? "Registered" : "Already had",
          registered.version().model(), registered.version().version(), registered.version().sha256());
      ctx.response().setStatusCode(registered.created() ? 201 : 200)
          .putHeader("Location", "/v1/models/" + registered.version().model() + "/versions/" + registered.version().version())
          .putHeader("Content-Type", "application/json")
          .end(view(registered.version()).encode());
      return;
    }
    vertx.executeBlocking(() -> Files.deleteIfExists(upload), false);
    Throwable cause = ar.cause();
    if (cause instanceof TooLarge) {
      tooLarge(ctx);
    } else if (cause instanceof ModelException e) {
      LOG.warn("Refused an upload of model {}: {} ({})", ctx.pathParam("model"), e.getMessage(), e.reason());
      HttpErrors.respond(ctx, 422, e.reason(), e.getMessage());
    } else if (cause instanceof IllegalArgumentException e) {
      HttpErrors.respond(ctx, 400, "invalid_metadata", e.getMessage());
    } else {
      LOG.error("Registering a version of {} failed: {}", ctx.pathParam("model"), cause.getMessage(), cause);
      HttpErrors.respond(ctx, 500, "internal_error", "the version could not be stored: " + cause.getMessage());
    }
  }

  private void tooLarge(RoutingContext ctx) {
    if (!ctx.response().ended()) {
      ctx.response().putHeader("Connection", "close");
      HttpErrors.respond(ctx, 413, "payload_too_large",
          "model archives are limited to " + config.maxArchiveBytes() + " bytes (MAAS_REGISTRY_MAX_ARCHIVE_BYTES)");
    }
  }

  // ---- deployments

  private void deploy(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    if (!validModel(ctx, model)) {
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      HttpErrors.respond(ctx, 400, "invalid_json", "the body must be a JSON object such as {\"production\":3}");
      return;
    }
    if (body == null || !(body.getValue("production") instanceof Number production)) {
      HttpErrors.respond(ctx, 400, "missing_field", "'production' (a version number) is required");
      return;
    }
    Integer shadow = body.getValue("shadow") instanceof Number s ? s.intValue() : null;
    JsonObject canaryJson = body.getValue("canary") instanceof JsonObject c ? c : null;
    Integer canary = canaryJson != null && canaryJson.getValue("version") instanceof Number c ? c.intValue() : null;
    Double weight = canaryJson != null && canaryJson.getValue("weight") instanceof Number w ? w.doubleValue() : null;
    if (canaryJson != null && (canary == null || weight == null || weight <= 0 || weight >= 1)) {
      HttpErrors.respond(ctx, 400, "invalid_field", "'canary' must be {\"version\":N,\"weight\":W} with 0 < W < 1");
      return;
    }
    if (production.intValue() == (canary == null ? -1 : canary) || production.intValue() == (shadow == null ? -1 : shadow)) {
      HttpErrors.respond(ctx, 400, "invalid_field", "canary and shadow must be versions other than production");
      return;
    }
    for (Integer v : new Integer[] {production.intValue(), canary, shadow}) {
      if (v != null && catalog.version(model, v).isEmpty()) {
        HttpErrors.respond(ctx, 409, "unknown_version", "model " + model + " has no version " + v);
        return;
      }
    }
    ifNoRollout(ctx, model, () -> record(ctx, deployer.next(model, production.intValue(), canary, weight, shadow, null)));
  }

  private void rollback(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    ifNoRollout(ctx, model, () -> deployer.previous(model).ifPresentOrElse(previous -> record(ctx, previous),
        () -> HttpErrors.respond(ctx, 409, "no_previous_production",
            "model " + model + " has no earlier production version to roll back to")));
  }

  /** Deployments by hand wait until a running rollout ends: it owns the canary and would undo them. */
  private void ifNoRollout(RoutingContext ctx, String model, Runnable then) {
    Optional<Rollout> running = catalog.runningRollout(model);
    if (running.isPresent()) {
      HttpErrors.respond(ctx, 409, "rollout_running", "rollout " + running.get().id() + " of " + model + " version "
          + running.get().plan().version() + " is running; DELETE /v1/models/" + model + "/rollouts/" + running.get().id()
          + " first (back to production v" + running.get().baseline() + ")");
      return;
    }
    then.run();
  }

  private void record(RoutingContext ctx, Catalog.Deployment deployment) {
    deployer.record(deployment)
        .onSuccess(d -> ctx.json(d.toJson()))
        .onFailure(e -> {
          LOG.error("Recording the deployment of {} failed: {}", deployment.deployment().model(), e.getMessage(), e);
          HttpErrors.respond(ctx, 503, "kafka_unavailable", "the deployment could not be recorded: " + e.getMessage());
        });
  }

  // ---- reads

  private void listModels(RoutingContext ctx) {
    JsonArray models = new JsonArray();
    for (String model : catalog.models()) {
      List<ModelVersion> versions = catalog.versions(model);
      Optional<Catalog.Deployment> deployment = catalog.deployment(model);
      models.add(new JsonObject()
          .put("model", model)
          .put("versions", new JsonArray(versions.stream().map(ModelVersion::version).toList()))
          .put("latestVersion", versions.isEmpty() ? null : versions.get(versions.size() - 1).version())
          .put("production", deployment.map(d -> d.deployment().production().version()).orElse(null))
          .put("revision", deployment.map(d -> d.deployment().revision()).orElse(null)));
    }
    ctx.json(models);
  }

  private void getModel(RoutingContext ctx, String model) {
    ctx.json(new JsonObject()
        .put("model", model)
        .put("versions", new JsonArray(catalog.versions(model).stream().map(this::view).toList()))
        .put("deployment", catalog.deployment(model).map(d -> d.deployment().toJson()).orElse(null))
        .put("productionHistory", catalog.deployment(model).map(d -> new JsonArray(d.productionHistory())).orElse(new JsonArray())));
  }

  private void withModel(RoutingContext ctx, java.util.function.BiConsumer<RoutingContext, String> handler) {
    String model = ctx.pathParam("model");
    if (!catalog.exists(model)) {
      HttpErrors.respond(ctx, 404, "unknown_model", "no model named '" + model + "' is registered");
      return;
    }
    handler.accept(ctx, model);
  }

  private void withVersion(RoutingContext ctx, java.util.function.Consumer<ModelVersion> handler) {
    String model = ctx.pathParam("model");
    long version = parseLong(ctx.pathParam("version"));
    Optional<ModelVersion> found = version < 1 || version > Integer.MAX_VALUE ? Optional.empty()
        : catalog.version(model, (int) version);
    if (found.isEmpty()) {
      HttpErrors.respond(ctx, 404, "unknown_version", "model '" + model + "' has no version " + ctx.pathParam("version"));
      return;
    }
    handler.accept(found.get());
  }

  private JsonObject view(ModelVersion version) {
    JsonObject json = version.toJson();
    json.remove("type");
    return json.put("artifact", artifactUrl(version.model(), version.version()));
  }

  private String artifactUrl(String model, int version) {
    return deployer.artifactUrl(model, version);
  }

  // ---- helpers

  private static boolean validModel(RoutingContext ctx, String model) {
    if (Names.isValidModel(model)) {
      return true;
    }
    HttpErrors.respond(ctx, 400, "invalid_model", "model names match [a-z0-9][a-z0-9-]{0,62}, got '" + model + "'");
    return false;
  }

  private static JsonObject uploadMetadata(String raw) {
    if (raw == null || raw.isBlank()) {
      return new JsonObject();
    }
    try {
      JsonObject json = new JsonObject(raw);
      strings(json.getValue("tags"), "tags");
      strings(json.getValue("classes"), "classes");
      return json;
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the upload's metadata must be a JSON object: " + e.getMessage());
    }
  }

  private static List<String> strings(Object value, String field) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof JsonArray array && array.stream().allMatch(v -> v instanceof String)) {
      return array.stream().map(String.class::cast).toList();
    }
    throw new IllegalArgumentException("'" + field + "' must be an array of strings");
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The upload went past {@link RegistryConfig#maxArchiveBytes()}. */
  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("upload too large", null, false, false);
    }
  }
}
