package io.maas.registry.http;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Names;
import io.maas.common.http.HttpErrors;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.rollout.Rollout;
import io.maas.registry.rollout.RolloutController;
import io.maas.registry.rollout.RolloutPlan;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;

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
    router.post(ROLLOUTS).handler(BodyHandler.create(false).setBodyLimit(jsonLimit)).handler(requireAdmin).handler(this::start);
    router.get(ROLLOUTS).handler(ctx -> withModel(ctx, model ->
        ctx.json(new JsonArray(controller.rollouts(model).stream().map(controller::view).toList()))));
    router.get(ROLLOUTS + "/:id").handler(ctx -> withRollout(ctx, r -> ctx.json(controller.view(r))));
    router.delete(ROLLOUTS + "/:id").handler(RegistryMetrics.counting(RegistryMetrics.ROLLOUT))
        .handler(requireAdmin).handler(ctx -> withRollout(ctx, r -> abort(ctx, r)));
  }

  private void start(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    if (!Names.isValidModel(model)) {
      HttpErrors.respond(ctx, 400, "invalid_model", "model names match [a-z0-9][a-z0-9-]{0,62}, got '" + model + "'");
      return;
    }
    if (!catalog.exists(model)) {
      HttpErrors.respond(ctx, 404, "unknown_model", "no model named '" + model + "' is registered");
      return;
    }
    RolloutPlan plan;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw new IllegalArgumentException("send a JSON object such as {\"version\":5,\"steps\":[0.05,0.25,0.5,1.0]}");
      }
      plan = RolloutPlan.fromRequest(body);
    } catch (DecodeException | ClassCastException e) {
      HttpErrors.respond(ctx, 400, "invalid_json", "the body must be a JSON object such as {\"version\":5}");
      return;
    } catch (IllegalArgumentException e) {
      HttpErrors.respond(ctx, 400, "invalid_field", e.getMessage());
      return;
    }
    if (catalog.version(model, plan.version()).isEmpty()) {
      HttpErrors.respond(ctx, 409, "unknown_version", "model " + model + " has no version " + plan.version());
      return;
    }
    Optional<ModelDeployment> current = catalog.deployment(model).map(Catalog.Deployment::deployment);
    if (current.isEmpty()) {
      HttpErrors.respond(ctx, 409, "not_deployed",
          "model " + model + " has no production version to compare a canary with; deploy one first");
      return;
    }
    int production = current.get().production().version();
    if (production == plan.version()) {
      HttpErrors.respond(ctx, 409, "already_production", "version " + plan.version() + " of " + model + " is production already");
      return;
    }
    Optional<Rollout> running = catalog.runningRollout(model);
    if (running.isPresent()) {
      HttpErrors.respond(ctx, 409, "rollout_running", "rollout " + running.get().id() + " of " + model + " (version "
          + running.get().plan().version() + ") is running; one rollout per model at a time");
      return;
    }
    ModelDeployment.Slot canary = current.get().canary();
    if (canary != null && canary.version() != plan.version()) {
      HttpErrors.respond(ctx, 409, "canary_in_use", "version " + canary.version() + " of " + model
          + " is the canary; deploy without it first, the rollout's canary takes its place");
      return;
    }
    controller.begin(model, plan, production)
        .onSuccess(r -> ctx.response().setStatusCode(202)
            .putHeader("Location", "/v1/models/" + model + "/rollouts/" + r.id())
            .putHeader("Content-Type", "application/json")
            .end(controller.view(r).encode()))
        .onFailure(e -> {
          if (e instanceof IllegalStateException) {
            HttpErrors.respond(ctx, 409, "rollout_running", e.getMessage());
          } else {
            HttpErrors.respond(ctx, 503, "kafka_unavailable", "the rollout could not be recorded fully (" + e.getMessage()
                + "); if it was, it goes on by itself: GET " + ROLLOUTS.replace(":model", model));
          }
        });
  }

  private void abort(RoutingContext ctx, Rollout rollout) {
    if (!rollout.running()) {
      HttpErrors.respond(ctx, 409, "rollout_ended", "rollout " + rollout.id() + " of " + rollout.model() + " has ended: "
          + rollout.state().code());
      return;
    }
    controller.abort(rollout.model(), rollout.id(), "aborted by DELETE")
        .onSuccess(r -> ctx.json(controller.view(r)))
        .onFailure(e -> HttpErrors.respond(ctx, 503, "kafka_unavailable", "the abort could not be recorded: " + e.getMessage()));
  }

  private void withModel(RoutingContext ctx, java.util.function.Consumer<String> handler) {
    String model = ctx.pathParam("model");
    if (!catalog.exists(model)) {
      HttpErrors.respond(ctx, 404, "unknown_model", "no model named '" + model + "' is registered");
      return;
    }
    handler.accept(model);
  }

  private void withRollout(RoutingContext ctx, java.util.function.Consumer<Rollout> handler) {
    String model = ctx.pathParam("model");
    Optional<Rollout> found = Optional.empty();
    try {
      found = catalog.rollout(model, Integer.parseInt(ctx.pathParam("id")));
    } catch (NumberFormatException e) {
      // not a rollout id: 404 below
    }
    if (found.isEmpty()) {
      HttpErrors.respond(ctx, 404, "unknown_rollout", "model '" + model + "' has no rollout " + ctx.pathParam("id"));
      return;
    }
    handler.accept(found.get());
  }
}
