package io.maas.monitor.http;

import io.maas.common.http.ApiVerticle;
import io.maas.common.http.HttpErrors;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.vertx.ext.web.Router;

/** The monitor's HTTP API: the per-model summary, health and metrics. */
public final class MonitorApiVerticle extends ApiVerticle {

  public MonitorApiVerticle(int port, KafkaAdminVerticle kafka) {
    super(port, kafka);
  }

  @Override
  protected void routes(Router router) {
    router.get("/v1/summary").handler(HttpErrors::notImplemented);
  }
}
