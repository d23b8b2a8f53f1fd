package io.maas.registry.http;

import io.maas.common.io.FileTrees;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.TopicSpec;
import io.maas.common.profile.ReferenceProfile;
import io.maas.model.ModelArchive;
import io.maas.model.ModelCheck;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.catalog.ModelVersion;
import io.maas.registry.config.RegistryConfig;
import io.maas.registry.kafka.RegistryLog;
import io.maas.registry.store.ArtifactStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers an uploaded archive as a model version, with no HTTP in sight: checks it on a worker
 * thread (hostile-archive unpacking, signature, TensorFlow load, warm-up), stores it by content,
 * makes the model's topics with its first version and records the version on {@code
 * maas.registry}. The same artifact again is the version it already is. Fails with a {@link
 * io.maas.model.ModelException} for an archive that is not a loadable model, an {@link
 * IllegalArgumentException} for metadata that is not valid, anything else when storing or
 * recording failed; {@link UploadApi} maps these to HTTP. Used on the API verticle's event loop.
 */
final class VersionRegistrar {

  private static final Logger LOG = LoggerFactory.getLogger(VersionRegistrar.class);

  private final Vertx vertx;
  private final RegistryConfig config;
  private final Catalog catalog;
  private final ArtifactStore store;
  private final RegistryLog log;
  private final KafkaAdminVerticle kafka;

  VersionRegistrar(
      Vertx vertx,
      RegistryConfig config,
      Catalog catalog,
      ArtifactStore store,
      RegistryLog log,
      KafkaAdminVerticle kafka) {
    this.vertx = vertx;
    this.config = config;
    this.catalog = catalog;
    this.store = store;
    this.log = log;
    this.kafka = kafka;
  }

  /** The topics of a model, made when its first version is registered. */
  List<TopicSpec> modelTopics(String model) {
    return io.maas.common.kafka.Topics.modelSpecs(model, config.partitions(), config.retention());
  }

  /** Outcome of the blocking checks of an upload. */
  private record Checked(String sha256, long size, ModelCheck.Checked model) {}

  /** A registered version, and whether it was new (201) or this very artifact again (200). */
  record Registered(ModelVersion version, boolean created) {}

  /**
   * Registers the archive at {@code upload}: once registered it is gone (stored, or deleted as a
   * copy of a stored artifact); after a failure it is the caller's to delete.
   *
   * @param metadata the uploader's {@code description}, {@code createdBy}, {@code tags}, {@code classes}
   */
  Future<Registered> register(String model, Path upload, JsonObject metadata) {
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
    // the path inference will take for this version, if its own comparison agrees
    details.put("preprocessing", checked.model().preprocessing().toJson());
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

  /** A JSON array of strings as a list; none for null. */
  static List<String> strings(Object value, String field) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof JsonArray array && array.stream().allMatch(v -> v instanceof String)) {
      return array.stream().map(String.class::cast).toList();
    }
    throw new IllegalArgumentException("'" + field + "' must be an array of strings");
  }
}
