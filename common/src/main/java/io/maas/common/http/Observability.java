package io.maas.common.http;

import io.maas.common.metrics.MaasMetrics;
import io.maas.common.runtime.BuildInfo;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.client.hotspot.DefaultExports;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The routes every service serves: {@code GET /health/live} (the event loop answers),
 * {@code GET /health/ready} (every registered procedure is up; 503 otherwise),
 * {@code GET /metrics} (Prometheus text format 0.0.4, JVM metrics and {@code maas_build_info} included)
 * and {@code GET /openapi.json} (the service's OpenAPI 3.1 document, kept in its resources).
 */
public final class Observability {

  private Observability() {}

  /**
   * Mounts the four routes; register readiness procedures on the returned checks.
   *
   * @param apiDescription the service's OpenAPI document ({@link #apiDescription(String)})
   */
  public static HealthChecks mount(Vertx vertx, Router router, Buffer apiDescription) {
    DefaultExports.initialize();
    MaasMetrics.exportBuildInfo();
    HealthChecks checks = HealthChecks.create(vertx);
    BuildInfo build = BuildInfo.current();
    router
        .get("/health/live")
        .handler(
            ctx ->
                ctx.json(
                    new JsonObject()
                        .put("status", "UP")
                        .put("version", build.version())
                        .put("revision", build.revision())));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(checks));
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", TextFormat.CONTENT_TYPE_004)
                    .end(scrape(CollectorRegistry.defaultRegistry)));
    router
        .get("/openapi.json")
        .handler(
            ctx ->
                ctx.response().putHeader("Content-Type", "application/json").end(apiDescription));
    return checks;
  }

  /**
   * Reads a service's OpenAPI document from the classpath (blocking: call it on a worker thread)
   * and checks that it is a JSON object, so that a broken document stops the service at start.
   */
  public static Buffer apiDescription(String resource) throws IOException {
    try (InputStream in = Observability.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("the OpenAPI document " + resource + " is not on the classpath");
      }
      Buffer document = Buffer.buffer(in.readAllBytes());
      try {
        new JsonObject(document);
      } catch (DecodeException e) {
        throw new IOException(
            "the OpenAPI document " + resource + " is not a JSON object: " + e.getMessage(), e);
      }
      return document;
    }
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
