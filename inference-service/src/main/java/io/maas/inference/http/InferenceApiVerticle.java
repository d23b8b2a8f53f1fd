package io.maas.inference.http;

import io.maas.common.http.ApiVerticle;
import io.maas.common.http.HttpErrors;
import io.maas.common.kafka.KafkaHealth;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/** The inference service's HTTP API: status, health and metrics. */
public final class InferenceApiVerticle extends ApiVerticle {

  private final Supplier<KafkaHealth> kafka;

  public InferenceApiVerticle(int port, Supplier<KafkaHealth> kafka) {
    super(port);
    this.kafka = kafka;
  }

  @Override
  protected void readiness(HealthChecks checks) {
    checks.register("kafka", promise -> kafka.get().check(promise));
  }

  @Override
  protected void routes(Router router) {
    router.get("/v1/status").handler(HttpErrors::notImplemented);
  }
}
