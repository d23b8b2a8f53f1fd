package io.maas.inference.http;

import io.maas.common.http.ApiVerticle;
import io.maas.common.http.HttpErrors;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.vertx.ext.web.Router;

/** The inference service's HTTP API: status, health and metrics. */
public final class InferenceApiVerticle extends ApiVerticle {

  public InferenceApiVerticle(int port, KafkaAdminVerticle kafka) {
    super(port, kafka);
  }

  @Override
  protected void routes(Router router) {
    router.get("/v1/status").handler(HttpErrors::notImplemented);
  }
}
