package io.maas.registry.http;

import io.maas.common.http.ApiError;
import io.maas.common.http.ApiException;
import io.maas.common.io.FileTrees;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.TopicSpec;
import io.maas.common.profile.ReferenceProfile;
import io.maas.model.ModelArchive;
import io.maas.model.ModelCheck;
import io.maas.model.ModelException;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.catalog.ModelVersion;
import io.maas.registry.config.RegistryConfig;
import io.maas.registry.kafka.RegistryLog;
import io.maas.registry.store.ArtifactStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/models/{model}/versions}: an upload is streamed to disk (or taken from a
 * multipart part), checked on a worker thread (hostile-archive unpacking, signature, TensorFlow
 * load, warm-up), stored by content and recorded on {@code maas.registry}: 201 for a new
 * version, 200 for this very artifact again.
 */
final class UploadApi {

  private static final Logger LOG = LoggerFactory.getLogger(UploadApi.class);
  private static final String VERSIONS = "/v1/models/:model/versions";

  private final Vertx vertx;
  private final RegistryConfig config;
  private final Catalog catalog;
  private final ArtifactStore store;
  private final RegistryLog log;
  private final KafkaAdminVerticle kafka;
  private final Function<ModelVersion, JsonObject> view;

  UploadApi(
      Vertx vertx,
      RegistryConfig config,
      Catalog catalog,
      ArtifactStore store,
      RegistryLog log,
      KafkaAdminVerticle kafka,
      Function<ModelVersion, JsonObject> view) {
    this.vertx = vertx;
    this.config = config;
    this.catalog = catalog;
    this.store = store;
    this.log = log;
    this.kafka = kafka;
    this.view = view;
  }

  void routes(Router router, io.vertx.core.Handler<RoutingContext> requireAdmin) {
    router.post(VERSIONS).handler(RegistryMetrics.counting(RegistryMetrics.UPLOAD));
    router.post(VERSIONS).handler(requireAdmin);
    router
        .post(VERSIONS)
        .consumes("application/gzip")
        .consumes("application/x-gzip")
        .consumes("application/octet-stream")
        .handler(this::uploadStream);
    router
        .post(VERSIONS)
        .consumes("multipart/form-data")
        .handler(
            BodyHandler.create(config.directory().resolve("uploads").toString())
                .setBodyLimit(config.maxArchiveBytes())
                .setDeleteUploadedFilesOnEnd(true))
        .handler(this::uploadMultipart);
    router
        .post(VERSIONS)
        .handler(
            ctx -> {
              throw ApiError.UNSUPPORTED_MEDIA_TYPE.because(
                  "upload the model as application/gzip (a .tar.gz of the SavedModel) or multipart/form-data");
            });
  }

  /** The topics of a model, made when its first version is registered. */
  List<TopicSpec> modelTopics(String model) {
    return io.maas.common.kafka.Topics.modelSpecs(model, config.partitions(), config.retention());
  }

  private void uploadStream(RoutingContext ctx) {
    // Hold the body until the file it streams into is open.
    ctx.request().pause();
    String model = RegistryRequests.model(ctx);
    JsonObject metadata = uploadMetadata(ctx.request().getHeader("X-Maas-Metadata"));
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && RegistryRequests.parseLong(length) > config.maxArchiveBytes()) {
      throw tooLarge();
    }
    Path upload = store.newUpload();
    receive(ctx.request(), upload)
        .compose(size -> register(model, upload, metadata))
        .onComplete(ar -> answer(ctx, upload, ar));
  }

  private void uploadMultipart(RoutingContext ctx) {
    String model = RegistryRequests.model(ctx);
    List<FileUpload> files = ctx.fileUploads();
    if (files.size() != 1) {
      throw ApiError.INVALID_UPLOAD.because(
          "send exactly one file part (the .tar.gz), got " + files.size());
    }
    String part = ctx.request().getFormAttribute("metadata");
    JsonObject metadata =
        uploadMetadata(part != null ? part : ctx.request().getHeader("X-Maas-Metadata"));
    Path upload = store.newUpload();
    vertx
        .fileSystem()
        .move(files.get(0).uploadedFileName(), upload.toString())
        .compose(v -> register(model, upload, metadata))
        .onComplete(ar -> answer(ctx, upload, ar));
  }

  /** Streams the request body into {@code file}, refusing it past the size limit. */
  private Future<Long> receive(HttpServerRequest request, Path file) {
    Promise<Long> done = Promise.promise();
    vertx
        .fileSystem()
        .open(file.toString(), new OpenOptions().setCreateNew(true).setWrite(true))
        .onFailure(done::tryFail)
        .onSuccess(
            out -> {
              long[] received = {0};
              request.handler(
                  buffer -> {
                    received[0] += buffer.length();
                    if (received[0] > config.maxArchiveBytes()) {
                      if (done.tryFail(tooLarge())) {
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
              request.exceptionHandler(
                  e -> {
                    if (done.tryFail(e)) {
                      out.close();
                    }
                  });
              request.endHandler(
                  v -> {
                    if (!done.future().isComplete()) {
                      out.close()
                          .onComplete(
                              ar -> {
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
  private record Checked(String sha256, long size, ModelCheck.Checked model) {}

  /** A registered version, and whether it was new (201) or this very artifact again (200). */
  private record Registered(ModelVersion version, boolean created) {}

  private Future<Registered> register(String model, Path upload, JsonObject metadata) {
    List<String> classesOverride = strings(metadata.getValue("classes"), "classes");
    return vertx
        .executeBlocking(() -> check(upload, classesOverride), false)
        .compose(
            checked -> {
              Optional<ModelVersion> same = catalog.bySha256(model, checked.sha256());
              if (same.isPresent()) {
                return vertx
                    .executeBlocking(() -> Files.deleteIfExists(upload), false)
                    .map(v -> new Registered(same.get(), false));
              }
              boolean first = !catalog.exists(model);
              return vertx
                  .executeBlocking(() -> store.commit(upload, checked.sha256()), false)
                  .compose(
                      blob ->
                          first
                              ? kafka.provisioner().ensure(vertx, modelTopics(model))
                              : Future.succeededFuture())
                  .compose(
                      v -> {
                        ModelVersion version =
                            newVersion(model, catalog.reserveVersion(model), checked, metadata);
                        return log.append(version.key(), version.toJson())
                            .map(x -> new Registered(version, true));
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
      FileTrees.delete(work);
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
        details.put(
            "profile", ReferenceProfile.fromJson(trainer.getJsonObject("profile")).toJson());
      } catch (ClassCastException | IllegalArgumentException e) {
        LOG.warn(
            "Model {} version {} carries a reference profile that is not one ({}); it is registered without",
            model,
            version,
            e.getMessage());
      }
    }
    details.put("warmupMillis", checked.model().warmupMillis());
    String description = upload.getString("description", trainer.getString("description", ""));
    return new ModelVersion(
        model,
        version,
        checked.sha256(),
        checked.size(),
        System.currentTimeMillis(),
        upload.getString("createdBy", "admin"),
        description == null ? "" : description,
        strings(upload.getValue("tags"), "tags"),
        checked.model().classes(),
        checked.model().signature(),
        details);
  }

  private void answer(RoutingContext ctx, Path upload, io.vertx.core.AsyncResult<Registered> ar) {
    if (ar.succeeded()) {
      Registered registered = ar.result();
      LOG.info(
          "{} model {} version {} (sha256 {})",
          registered.created() ? "Registered" : "Already had",
          registered.version().model(),
          registered.version().version(),
          registered.version().sha256());
      ctx.response()
          .setStatusCode(registered.created() ? 201 : 200)
          .putHeader(
              "Location",
              "/v1/models/"
                  + registered.version().model()
                  + "/versions/"
                  + registered.version().version())
          .putHeader("Content-Type", "application/json")
          .end(view.apply(registered.version()).encode());
      return;
    }
    vertx.executeBlocking(() -> Files.deleteIfExists(upload), false);
    Throwable cause = ar.cause();
    if (cause instanceof ApiException e) {
      ctx.fail(e);
    } else if (cause instanceof ModelException e) {
      LOG.warn(
          "Refused an upload of model {}: {} ({})",
          ctx.pathParam("model"),
          e.getMessage(),
          e.reason());
      ctx.fail(ApiError.MODEL_REFUSED.because(e.getMessage()).withCode(e.reason()));
    } else if (cause instanceof IllegalArgumentException e) {
      ctx.fail(ApiError.INVALID_METADATA.because(e.getMessage()));
    } else {
      LOG.error(
          "Registering a version of {} failed: {}",
          ctx.pathParam("model"),
          cause.getMessage(),
          cause);
      ctx.fail(
          ApiError.INTERNAL_ERROR.because(
              "the version could not be stored: " + cause.getMessage()));
    }
  }

  private ApiException tooLarge() {
    // the rest of the body is not read: the connection cannot be reused
    return ApiError.PAYLOAD_TOO_LARGE
        .because(
            "model archives are limited to "
                + config.maxArchiveBytes()
                + " bytes (MAAS_REGISTRY_MAX_ARCHIVE_BYTES)")
        .withHeader("Connection", "close");
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
      throw ApiError.INVALID_METADATA.because(
          "the upload's metadata must be a JSON object: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiError.INVALID_METADATA.because(e.getMessage());
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
}
