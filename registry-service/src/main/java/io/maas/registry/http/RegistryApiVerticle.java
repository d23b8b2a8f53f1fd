package io.maas.registry.http;

import io.maas.common.http.ApiVerticle;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.catalog.ModelVersion;
import io.maas.registry.config.RegistryConfig;
import io.maas.registry.deploy.Deployer;
import io.maas.registry.kafka.RegistryLog;
import io.maas.registry.rollout.MonitorClient;
import io.maas.registry.rollout.RolloutController;
import io.maas.registry.store.ArtifactStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * The registry's HTTP API and its single-threaded core: the catalog rebuilt from
 * {@code maas.registry} at start, then reads here, uploads ({@link UploadApi}), deployments
 * ({@link DeploymentApi}) and rollouts ({@link RolloutApi}), all on this verticle's event loop.
 * Reads are open; writes need the admin token.
 */
public final class RegistryApiVerticle extends ApiVerticle {

  private static final String VERSIONS = "/v1/models/:model/versions";
  private static final int JSON_LIMIT = 64 * 1024;

  private final RegistryConfig config;
  private final KafkaClients clients;
  private final KafkaAdminVerticle kafka;
  private final Catalog catalog = new Catalog();
  private ArtifactStore store;
  private RegistryLog log;
  private Deployer deployer;
  private VersionRegistrar registrar;
  private UploadApi uploads;
  private RolloutController rollouts;
  private volatile boolean loaded;

  public RegistryApiVerticle(
      RegistryConfig config, KafkaClients clients, KafkaAdminVerticle kafka) {
    super(config.maas().registryPort(), kafka, "openapi/registry-service.json");
    this.config = config;
    this.clients = clients;
    this.kafka = kafka;
  }

  @Override
  public Future<?> start() {
    store = new ArtifactStore(config.directory());
    log = new RegistryLog(vertx, clients, catalog);
    deployer = new Deployer(catalog, log, config.maas().registryUrl());
    registrar = new VersionRegistrar(vertx, config, catalog, store, log, kafka);
    uploads = new UploadApi(vertx, config, store, registrar, this::view);
    rollouts =
        new RolloutController(
            vertx,
            catalog,
            log,
            deployer,
            new MonitorClient(vertx, config.monitorUrl()),
            config.rolloutIntervalMillis());
    return vertx
        .executeBlocking(
            () -> {
              store.init();
              return null;
            })
        .compose(v -> log.start())
        // retention settings may have changed since the topics were made
        .compose(
            v ->
                kafka
                    .provisioner()
                    .ensure(
                        vertx,
                        catalog.models().stream()
                            .flatMap(m -> registrar.modelTopics(m).stream())
                            .toList()))
        .onSuccess(v -> loaded = true)
        .compose(v -> super.start())
        .onSuccess(v -> rollouts.start());
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
    Handler<RoutingContext> requireAdmin =
        RegistryRequests.requireAdmin(config.maas().adminToken());
    uploads.routes(router, requireAdmin);
    new DeploymentApi(catalog, deployer).routes(router, requireAdmin, JSON_LIMIT);
    new RolloutApi(catalog, rollouts).routes(router, requireAdmin, JSON_LIMIT);

    router.get("/v1/models").handler(this::listModels);
    router
        .get("/v1/models/:model")
        .handler(ctx -> getModel(ctx, RegistryRequests.registered(ctx, catalog)));
    router
        .get(VERSIONS)
        .handler(
            ctx ->
                ctx.json(
                    new JsonArray(
                        catalog.versions(RegistryRequests.registered(ctx, catalog)).stream()
                            .map(this::view)
                            .toList())));
    router
        .get(VERSIONS + "/:version")
        .handler(ctx -> ctx.json(view(RegistryRequests.version(ctx, catalog))));
    router
        .get(VERSIONS + "/:version/artifact")
        .handler(
            ctx -> {
              ModelVersion v = RegistryRequests.version(ctx, catalog);
              ctx.response()
                  .putHeader("Content-Type", "application/gzip")
                  .putHeader("X-Maas-Sha256", v.sha256())
                  .putHeader("ETag", "\"" + v.sha256() + "\"")
                  .putHeader(
                      "Content-Disposition",
                      "attachment; filename=\"" + v.model() + "-" + v.version() + ".tar.gz\"")
                  .sendFile(store.blob(v.sha256()).toString());
            });
  }

  private void listModels(RoutingContext ctx) {
    JsonArray models = new JsonArray();
    for (String model : catalog.models()) {
      List<ModelVersion> versions = catalog.versions(model);
      Optional<Catalog.Deployment> deployment = catalog.deployment(model);
      models.add(
          new JsonObject()
              .put("model", model)
              .put("versions", new JsonArray(versions.stream().map(ModelVersion::version).toList()))
              .put(
                  "latestVersion",
                  versions.isEmpty() ? null : versions.get(versions.size() - 1).version())
              .put(
                  "production",
                  deployment.map(d -> d.deployment().production().version()).orElse(null))
              .put("revision", deployment.map(d -> d.deployment().revision()).orElse(null)));
    }
    ctx.json(models);
  }

  private void getModel(RoutingContext ctx, String model) {
    ctx.json(
        new JsonObject()
            .put("model", model)
            .put(
                "versions",
                new JsonArray(catalog.versions(model).stream().map(this::view).toList()))
            .put(
                "deployment",
                catalog.deployment(model).map(d -> d.deployment().toJson()).orElse(null))
            .put(
                "productionHistory",
                catalog
                    .deployment(model)
                    .map(d -> new JsonArray(d.productionHistory()))
                    .orElse(new JsonArray())));
  }

  /** A version as the API shows it: its record, with the URL its artifact downloads from. */
  private JsonObject view(ModelVersion version) {
    JsonObject json = version.toJson();
    json.remove("type");
    return json.put("artifact", deployer.artifactUrl(version.model(), version.version()));
  }
}
