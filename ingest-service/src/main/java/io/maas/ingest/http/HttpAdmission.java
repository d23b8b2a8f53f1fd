package io.maas.ingest.http;

import static io.maas.ingest.core.IngestMetrics.INVALID;
import static io.maas.ingest.core.IngestMetrics.TOO_LARGE;
import static io.maas.ingest.core.IngestMetrics.count;

import io.maas.common.http.ApiError;
import io.maas.common.http.HttpErrors;
import io.maas.ingest.core.Admission;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * {@link Admission} as route handlers: the checks before a body is read, in the order a caller
 * should hear about them (token, model name, content type, then the model's deployment and Kafka),
 * and the body handler's 413 once a body is read past {@code MAAS_INGEST_MAX_BODY_BYTES}.
 */
final class HttpAdmission {

  private final Admission admission;
  private final long maxBodyBytes;

  HttpAdmission(Admission admission, long maxBodyBytes) {
    this.admission = admission;
    this.maxBodyBytes = maxBodyBytes;
  }

  void authorize(RoutingContext ctx) {
    admission.authorize(model(ctx), ctx.request().getHeader("Authorization"));
    ctx.next();
  }

  void admit(RoutingContext ctx, Set<String> types) {
    String model = model(ctx);
    admission.requireValidName(model);
    if (!types.contains(mediaType(ctx))) {
      count(model, INVALID, 1);
      throw ApiError.UNSUPPORTED_MEDIA_TYPE.because(
          "send the body as "
              + String.join(" or ", types.stream().sorted().toList())
              + ", got '"
              + ctx.request().getHeader("Content-Type")
              + "'");
    }
    admission.admit(model);
    ctx.next();
  }

  /** The body handler's 413, counted for the model and explained; every other failure goes on to ApiVerticle's handler. */
  void bodyTooLarge(RoutingContext ctx) {
    if (ctx.failure() == null
        && ctx.statusCode() == ApiError.PAYLOAD_TOO_LARGE.status()
        && !ctx.response().ended()) {
      count(model(ctx), TOO_LARGE, 1);
      HttpErrors.respond(
          ctx,
          ApiError.PAYLOAD_TOO_LARGE.status(),
          ApiError.PAYLOAD_TOO_LARGE.code(),
          "the body is larger than "
              + maxBodyBytes
              + " bytes (MAAS_INGEST_MAX_BODY_BYTES); send fewer per call");
      return;
    }
    ctx.next();
  }

  /** The model a route names: {@code :model}, or the first group of a regular-expression route. */
  static String model(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    return model != null ? model : ctx.pathParam("param0");
  }

  static String mediaType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null) {
      return "";
    }
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }
}
