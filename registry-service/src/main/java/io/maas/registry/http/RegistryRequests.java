package io.maas.registry.http;

import io.maas.common.event.Names;
import io.maas.common.http.ApiError;
import io.maas.common.http.BearerTokens;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.catalog.ModelVersion;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/** What the registry's handlers read from a request, checked: each refuses with its {@link ApiError}. */
final class RegistryRequests {

  private RegistryRequests() {}

  /** The {@code :model} path parameter, a valid model name. */
  static String model(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    if (!Names.isValidModel(model)) {
      throw ApiError.INVALID_MODEL.because(
          "model names match [a-z0-9][a-z0-9-]{0,62}, got '" + model + "'");
    }
    return model;
  }

  /** The {@code :model} path parameter, a registered model. */
  static String registered(RoutingContext ctx, Catalog catalog) {
    String model = ctx.pathParam("model");
    if (!catalog.exists(model)) {
      throw ApiError.UNKNOWN_MODEL.because("no model named '" + model + "' is registered");
    }
    return model;
  }

  /** The version the {@code :model} and {@code :version} path parameters name. */
  static ModelVersion version(RoutingContext ctx, Catalog catalog) {
    String model = ctx.pathParam("model");
    long version = parseLong(ctx.pathParam("version"));
    Optional<ModelVersion> found =
        version < 1 || version > Integer.MAX_VALUE
            ? Optional.empty()
            : catalog.version(model, (int) version);
    return found.orElseThrow(
        () ->
            ApiError.VERSION_NOT_FOUND.because(
                "model '" + model + "' has no version " + ctx.pathParam("version")));
  }

  /** The body as a JSON object; {@code example} shows the caller one. */
  static JsonObject jsonBody(RoutingContext ctx, String example) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null) {
        return body;
      }
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    throw ApiError.INVALID_JSON.because("the body must be a JSON object such as " + example);
  }

  /** Lets a request through only with {@code Authorization: Bearer <MAAS_ADMIN_TOKEN>}. */
  static Handler<RoutingContext> requireAdmin(Optional<String> token) {
    BearerTokens tokens = BearerTokens.of(token.map(List::of).orElse(List.of()));
    return ctx -> {
      if (token.isEmpty()) {
        throw ApiError.WRITES_DISABLED.because(
            "registry writes are disabled: start the registry with MAAS_ADMIN_TOKEN set,"
                + " then send 'Authorization: Bearer <token>'");
      }
      if (!tokens.accepts(ctx.request().getHeader("Authorization"))) {
        throw ApiError.UNAUTHORIZED.because(
            "send 'Authorization: Bearer <MAAS_ADMIN_TOKEN>' to change the registry");
      }
      ctx.next();
    };
  }

  static long parseLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
