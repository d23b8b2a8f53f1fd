package io.maas.registry.http;

import io.maas.common.http.ApiError;
import io.maas.common.http.ApiException;
import io.maas.model.ModelException;
import io.maas.registry.catalog.ModelVersion;
import io.maas.registry.config.RegistryConfig;
import io.maas.registry.store.ArtifactStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/models/{model}/versions}: an upload is streamed to disk (or taken from a
 * multipart part), checked on a worker thread (hostile-archive unpacking, signature, TensorFlow
 * load, warm-up), stored by content and recorded on {@code maas.registry} by the {@link
 * VersionRegistrar}: 201 for a new version, 200 for this very artifact again. Its failures are
 * mapped to HTTP here.
 */
final class UploadApi {

  private static final Logger LOG = LoggerFactory.getLogger(UploadApi.class);
  private static final String VERSIONS = "/v1/models/:model/versions";

  private final Vertx vertx;
  private final RegistryConfig config;
  private final ArtifactStore store;
  private final VersionRegistrar registrar;
  private final Function<ModelVersion, JsonObject> view;

  UploadApi(
      Vertx vertx,
      RegistryConfig config,
      ArtifactStore store,
      VersionRegistrar registrar,
      Function<ModelVersion, JsonObject> view) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.registrar = registrar;
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
        .compose(size -> registrar.register(model, upload, metadata))
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
        .compose(v -> registrar.register(model, upload, metadata))
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

  private void answer(
      RoutingContext ctx, Path upload, io.vertx.core.AsyncResult<VersionRegistrar.Registered> ar) {
    if (ar.succeeded()) {
      VersionRegistrar.Registered registered = ar.result();
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
      VersionRegistrar.strings(json.getValue("tags"), "tags");
      VersionRegistrar.strings(json.getValue("classes"), "classes");
      return json;
    } catch (DecodeException | ClassCastException e) {
      throw ApiError.INVALID_METADATA.because(
          "the upload's metadata must be a JSON object: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiError.INVALID_METADATA.because(e.getMessage());
    }
  }
}
