package io.maas.common.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The error body every maas API answers with: {@code {"error":"<reason>","message":"..."}},
 * where {@code error} is a stable snake_case code.
 */
public final class HttpErrors {

  private HttpErrors() {}

  public static void respond(RoutingContext ctx, int status, String reason, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", reason).put("message", message).encode());
  }

  /** For contract endpoints whose implementation has not landed: 501, never a fake success. */
  public static void notImplemented(RoutingContext ctx) {
    respond(
        ctx,
        501,
        "not_implemented",
        ctx.request().method()
            + " "
            + ctx.request().path()
            + " is part of the maas API but not implemented yet");
  }
}
