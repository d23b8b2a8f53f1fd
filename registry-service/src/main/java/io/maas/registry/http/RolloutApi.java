package io.maas.registry.http;

import io.maas.common.event.ModelDeployment;
import io.maas.common.http.ApiError;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.rollout.Rollout;
import io.maas.registry.rollout.RolloutController;
import io.maas.registry.rollout.RolloutPlan;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code /v1/models/{model}/rollouts}: start a progressive rollout (202), follow it, list them,
 * abort one (back to the production version it started from). Writes need the admin token.
 */
final class RolloutApi {

  private static final String ROLLOUTS = "/v1/models/:model/rollouts";

  private final Catalog catalog;
  private final RolloutController controller;

  RolloutApi(Catalog catalog, RolloutController controller) {
    this.catalog = catalog;
    this.controller = controller;
  }

  void routes(Router router, Handler<RoutingContext> requireAdmin, int jsonLimit) {
    // a body handler must come first on its route: the counting handler gets a route of its own
    router.post(ROLLOUTS).handler(RegistryMetrics.counting(RegistryMetrics.ROLLOUT));
    router
        .post(ROLLOUTS)
        .handler(BodyHandler.create(false).setBodyLimit(jsonLimit))
        .handler(requireAdmin)
        .handler(this::start);
    router
        .get(ROLLOUTS)
        .handler(
            ctx ->
                ctx.json(
                    new JsonArray(
                        controller.rollouts(RegistryRequests.registered(ctx, catalog)).stream()
                            .map(controller::view)
                            .toList())));
    router.get(ROLLOUTS + "/:id").handler(ctx -> ctx.json(controller.view(rollout(ctx))));
    router
        .delete(ROLLOUTS + "/:id")
        .handler(RegistryMetrics.counting(RegistryMetrics.ROLLOUT))
        .handler(requireAdmin)
        .handler(this::abort);
  }

  private void start(RoutingContext ctx) {
    String model = RegistryRequests.model(ctx);
    RegistryRequests.registered(ctx, catalog);
    RolloutPlan plan;
    try {
      plan =
          RolloutPlan.fromRequest(
              RegistryRequests.jsonBody(ctx, "{\"version\":5,\"steps\":[0.05,0.25,0.5,1.0]}"));
    } catch (IllegalArgumentException e) {
      throw ApiError.INVALID_FIELD.because(e.getMessage());
    }
    if (catalog.version(model, plan.version()).isEmpty()) {
      throw ApiError.UNKNOWN_VERSION.because(
          "model " + model + " has no version " + plan.version());
    }
    ModelDeployment current =
        catalog
            .deployment(model)
            .map(Catalog.Deployment::deployment)
            .orElseThrow(
                () ->
                    ApiError.NOT_DEPLOYED.because(
                        "model "
                            + model
                            + " has no production version to compare a canary with; deploy one first"));
    int production = current.production().version();
    if (production == plan.version()) {
      throw ApiError.ALREADY_PRODUCTION.because(
          "version " + plan.version() + " of " + model + " is production already");
    }
    catalog
        .runningRollout(model)
        .ifPresent(
            r -> {
              throw ApiError.ROLLOUT_RUNNING.because(
                  "rollout "
                      + r.id()
                      + " of "
                      + model
                      + " (version "
                      + r.plan().version()
                      + ") is running; one rollout per model at a time");
            });
    if (current.canary() != null && current.canary().version() != plan.version()) {
      throw ApiError.CANARY_IN_USE.because(
          "version "
              + current.canary().version()
              + " of "
              + model
              + " is the canary; deploy without it first, the rollout's canary takes its place");
    }
    controller
        .begin(model, plan, production)
        .onSuccess(
            r ->
                ctx.response()
                    .setStatusCode(202)
                    .putHeader("Location", "/v1/models/" + model + "/rollouts/" + r.id())
                    .putHeader("Content-Type", "application/json")
                    .end(controller.view(r).encode()))
        .onFailure(
            e ->
                ctx.fail(
                    e instanceof IllegalStateException
                        ? ApiError.ROLLOUT_RUNNING.because(e.getMessage())
                        : ApiError.KAFKA_UNAVAILABLE.because(
                            "the rollout could not be recorded fully ("
                                + e.getMessage()
                                + "); if it was, it goes on by itself: GET "
                                + ROLLOUTS.replace(":model", model))));
  }

  private void abort(RoutingContext ctx) {
    Rollout rollout = rollout(ctx);
    if (!rollout.running()) {
      throw ApiError.ROLLOUT_ENDED.because(
          "rollout "
              + rollout.id()
              + " of "
              + rollout.model()
              + " has ended: "
              + rollout.state().code());
    }
    controller
        .abort(rollout.model(), rollout.id(), "aborted by DELETE")
        .onSuccess(r -> ctx.json(controller.view(r)))
        .onFailure(
            e ->
                ctx.fail(
                    ApiError.KAFKA_UNAVAILABLE.because(
                        "the abort could not be recorded: " + e.getMessage())));
  }

  private Rollout rollout(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    long id = RegistryRequests.parseLong(ctx.pathParam("id"));
    return (id < 1 || id > Integer.MAX_VALUE
            ? java.util.Optional.<Rollout>empty()
            : catalog.rollout(model, (int) id))
        .orElseThrow(
            () ->
                ApiError.UNKNOWN_ROLLOUT.because(
                    "model '" + model + "' has no rollout " + ctx.pathParam("id")));
  }
}
