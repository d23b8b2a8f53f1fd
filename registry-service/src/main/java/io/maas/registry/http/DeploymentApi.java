package io.maas.registry.http;

import io.maas.common.http.ApiError;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.deploy.Deployer;
import io.maas.registry.deploy.DeploymentRules;
import io.maas.registry.rollout.Rollout;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /v1/models/{model}/deployment} and {@code POST /v1/models/{model}/rollback}: each a
 * new deployment revision, answered once it is recorded on {@code maas.registry} and published on
 * {@code maas.models}. Refused while a rollout of the model runs: it owns the canary.
 */
final class DeploymentApi {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentApi.class);

  private final Catalog catalog;
  private final Deployer deployer;

  DeploymentApi(Catalog catalog, Deployer deployer) {
    this.catalog = catalog;
    this.deployer = deployer;
  }

  void routes(Router router, Handler<RoutingContext> requireAdmin, int jsonLimit) {
    router
        .put("/v1/models/:model/deployment")
        .handler(RegistryMetrics.counting(RegistryMetrics.DEPLOYMENT));
    router
        .put("/v1/models/:model/deployment")
        .handler(BodyHandler.create(false).setBodyLimit(jsonLimit))
        .handler(requireAdmin)
        .handler(this::deploy);
    router
        .post("/v1/models/:model/rollback")
        .handler(RegistryMetrics.counting(RegistryMetrics.ROLLBACK))
        .handler(requireAdmin)
        .handler(this::rollback);
  }

  private void deploy(RoutingContext ctx) {
    String model = RegistryRequests.model(ctx);
    JsonObject body = RegistryRequests.jsonBody(ctx, "{\"production\":3}");
    DeploymentRules.Request request = DeploymentRules.parse(body);
    DeploymentRules.requireKnown(model, request, v -> catalog.version(model, v).isPresent());
    noRolloutRunning(model);
    record(
        ctx,
        deployer.next(
            model,
            request.production(),
            request.canary(),
            request.weight(),
            request.shadow(),
            null));
  }

  private void rollback(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    noRolloutRunning(model);
    record(
        ctx,
        deployer
            .previous(model)
            .orElseThrow(
                () ->
                    ApiError.NO_PREVIOUS_PRODUCTION.because(
                        "model " + model + " has no earlier production version to roll back to")));
  }

  private void noRolloutRunning(String model) {
    Optional<Rollout> running = catalog.runningRollout(model);
    if (running.isPresent()) {
      Rollout r = running.get();
      throw ApiError.ROLLOUT_RUNNING.because(
          "rollout "
              + r.id()
              + " of "
              + model
              + " version "
              + r.plan().version()
              + " is running; DELETE /v1/models/"
              + model
              + "/rollouts/"
              + r.id()
              + " first (back to production v"
              + r.baseline()
              + ")");
    }
  }

  private void record(RoutingContext ctx, Catalog.Deployment deployment) {
    deployer
        .record(deployment)
        .onSuccess(d -> ctx.json(d.toJson()))
        .onFailure(
            e -> {
              LOG.error(
                  "Recording the deployment of {} failed: {}",
                  deployment.deployment().model(),
                  e.getMessage(),
                  e);
              ctx.fail(
                  ApiError.KAFKA_UNAVAILABLE.because(
                      "the deployment could not be recorded: " + e.getMessage()));
            });
  }
}
