package io.maas.registry.http;

import io.prometheus.client.Counter;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The registry's Prometheus families, registered once in the default registry. */
final class RegistryMetrics {

  static final String UPLOAD = "upload";
  static final String DEPLOYMENT = "deployment";
  static final String ROLLBACK = "rollback";
  static final String ROLLOUT = "rollout";

  /**
   * {@code maas_registry_writes_total{operation,outcome}}: uploads, deployments, rollbacks and
   * rollouts (starts and aborts) by
   * the answer they got: ok (2xx), rejected (4xx: no or a wrong token, an invalid request, an
   * archive that is not a loadable model, an unknown version, too large) or failed (5xx: the
   * registry could not store or record the write). A request whose client went away before any
   * answer is not counted. Every series exists from the start, so the first failure is an increase.
   */
  static final Counter WRITES =
      Counter.build(
              "maas_registry_writes_total",
              "Writes to the registry (upload, deployment, rollback, rollout) by outcome (ok, rejected, failed)")
          .labelNames("operation", "outcome")
          .register();

  static {
    for (String operation : List.of(UPLOAD, DEPLOYMENT, ROLLBACK, ROLLOUT)) {
      for (String outcome : List.of("ok", "rejected", "failed")) {
        WRITES.labels(operation, outcome);
      }
    }
  }

  private RegistryMetrics() {}

  /** A write route's first handler: counts the write once its answer's status is sent. */
  static Handler<RoutingContext> counting(String operation) {
    return ctx -> {
      ctx.addHeadersEndHandler(
          v -> WRITES.labels(operation, outcome(ctx.response().getStatusCode())).inc());
      ctx.next();
    };
  }

  static String outcome(int status) {
    return status < 400 ? "ok" : status < 500 ? "rejected" : "failed";
  }
}
