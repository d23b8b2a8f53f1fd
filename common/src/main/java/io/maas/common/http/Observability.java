package io.maas.common.http;

import io.maas.common.metrics.MaasMetrics;
import io.maas.common.runtime.BuildInfo;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.client.hotspot.DefaultExports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The routes every service serves: {@code GET /health/live} (the event loop answers),
 * {@code GET /health/ready} (every registered procedure is up; 503 otherwise) and
 * {@code GET /metrics} (Prometheus text format 0.0.4, JVM metrics and {@code maas_build_info} included).
 */
public final class Observability {

  private Observability() {
  }

  /** Mounts the three routes; register readiness procedures on the returned checks. */
  public static HealthChecks mount(Vertx vertx, Router router) {
    DefaultExports.initialize();
    MaasMetrics.exportBuildInfo();
    HealthChecks checks = HealthChecks.create(vertx);
    BuildInfo build = BuildInfo.current();
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")
        .put("version", build.version()).put("revision", build.revision())));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(checks));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", TextFormat.CONTENT_TYPE_004)
        .end(scrape(CollectorRegistry.defaultRegistry)));
    return checks;
  }

  /** The registry in text format 0.0.4. */
  public static String scrape(CollectorRegistry registry) {
    StringWriter writer = new StringWriter(16 * 1024);
    try {
      TextFormat.write004(writer, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toString();
  }
}
