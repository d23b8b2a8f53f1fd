package io.maas.monitor.http;

import io.maas.common.http.ApiVerticle;
import io.maas.common.http.HttpErrors;
import io.maas.common.kafka.KafkaHealth;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/** The monitor's HTTP API: the per-model summary, health and metrics. */
public final class MonitorApiVerticle extends ApiVerticle {

  private final Supplier<KafkaHealth> kafka;

  public MonitorApiVerticle(int port, Supplier<KafkaHealth> kafka) {
    super(port);
    this.kafka = kafka;
  }

  @Override
  protected void readiness(HealthChecks checks) {
    checks.register("kafka", promise -> kafka.get().check(promise));
  }

  @Override
  protected void routes(Router router) {
    router.get("/v1/summary").handler(HttpErrors::notImplemented);
  }
}
