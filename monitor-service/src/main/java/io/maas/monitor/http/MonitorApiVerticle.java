package io.maas.monitor.http;

import io.maas.common.http.ApiError;
import io.maas.common.http.ApiVerticle;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.kafka.StreamVerticle;
import io.maas.monitor.window.Windows;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The monitor's HTTP API: {@code GET /v1/summary} (per model and version, over a window),
 * {@code GET /v1/summary/stream} (the same as server-sent events, every two seconds), the live
 * page at {@code /}, health and metrics.
 */
public final class MonitorApiVerticle extends ApiVerticle {

  private static final long STREAM_MILLIS = 2_000;

  private final MonitorConfig config;
  private final Windows windows;
  private final StreamVerticle stream;

  public MonitorApiVerticle(
      MonitorConfig config, KafkaAdminVerticle kafka, Windows windows, StreamVerticle stream) {
    super(config.maas().monitorPort(), kafka, "openapi/monitor-service.json");
    this.config = config;
    this.windows = windows;
    this.stream = stream;
  }

  @Override
  protected void readiness(HealthChecks checks) {
    // ready once the last hour is read and every version's profile asked for: answers are then as
    // before a restart
    checks.register(
        "stream",
        promise ->
            promise.complete(
                stream.caughtUp() && windows.profilesSettled() ? Status.OK() : Status.KO()));
  }

  @Override
  protected void routes(Router router) {
    router.get("/v1/summary").handler(this::summary);
    router.get("/v1/summary/stream").handler(this::stream);
    router.get("/").handler(ctx -> ctx.reroute("/index.html"));
    // the page's chart library, from its webjar on the classpath
    router
        .get("/webjars/*")
        .setName("/webjars/*")
        .handler(StaticHandler.create("META-INF/resources/webjars"));
    router
        .get("/*")
        .setName("/*")
        .handler(StaticHandler.create("webroot").setCachingEnabled(false));
  }

  /** What a summary is asked for: a window, and one model or null for all. */
  private record Question(Duration window, String model) {}

  /** The question a request asks; 400 for a bad window, 404 for a model the monitor has not seen. */
  private Question question(RoutingContext ctx) {
    String raw = ctx.request().getParam("window");
    Duration window = config.window();
    if (raw != null && !raw.isEmpty()) {
      try {
        window = Duration.parse(raw);
      } catch (DateTimeParseException e) {
        throw ApiError.INVALID_WINDOW.because(
            "window must be an ISO-8601 duration such as PT5M, got '" + raw + "'");
      }
      if (window.compareTo(MonitorConfig.MIN_WINDOW) < 0
          || window.compareTo(MonitorConfig.MAX_WINDOW) > 0) {
        throw ApiError.INVALID_WINDOW.because(
            "window must be between "
                + MonitorConfig.MIN_WINDOW
                + " and "
                + MonitorConfig.MAX_WINDOW
                + ", got "
                + raw);
      }
    }
    String model = ctx.request().getParam("model");
    if (model != null && !windows.knows(model)) {
      throw ApiError.UNKNOWN_MODEL.because("the monitor has seen nothing of model '" + model + "'");
    }
    return new Question(window, model);
  }

  private void summary(RoutingContext ctx) {
    Question q = question(ctx);
    vertx
        .executeBlocking(() -> windows.summary(q.window(), q.model()), false)
        .onSuccess(
            json ->
                ctx.response().putHeader("Content-Type", "application/json").end(json.toBuffer()))
        .onFailure(ctx::fail);
  }

  private void stream(RoutingContext ctx) {
    Question q = question(ctx);
    HttpServerResponse response =
        ctx.response()
            .setChunked(true)
            .putHeader("Content-Type", "text/event-stream")
            .putHeader("Cache-Control", "no-cache")
            .putHeader("X-Accel-Buffering", "no");
    Runnable push =
        () ->
            vertx
                .executeBlocking(() -> windows.summary(q.window(), q.model()), false)
                .onSuccess(json -> send(response, json));
    push.run();
    long timer = vertx.setPeriodic(STREAM_MILLIS, id -> push.run());
    response.closeHandler(v -> vertx.cancelTimer(timer));
    ctx.request().connection().closeHandler(v -> vertx.cancelTimer(timer));
  }

  private static void send(HttpServerResponse response, JsonObject json) {
    if (!response.closed() && !response.ended()) {
      response.write("event: summary\ndata: " + json.encode() + "\n\n");
    }
  }
}
