package io.maas.registry.http;

import io.maas.common.http.ApiVerticle;
import io.maas.common.http.HttpErrors;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.vertx.ext.web.Router;

/** The registry's HTTP API (contract: "registry-service"). */
public final class RegistryApiVerticle extends ApiVerticle {

  public RegistryApiVerticle(int port, KafkaAdminVerticle kafka) {
    super(port, kafka);
  }

  @Override
  protected void routes(Router router) {
    router.post("/v1/models/:model/versions").handler(HttpErrors::notImplemented);
    router.get("/v1/models").handler(HttpErrors::notImplemented);
    router.get("/v1/models/:model").handler(HttpErrors::notImplemented);
    router.get("/v1/models/:model/versions").handler(HttpErrors::notImplemented);
    router.get("/v1/models/:model/versions/:version").handler(HttpErrors::notImplemented);
    router.get("/v1/models/:model/versions/:version/artifact").handler(HttpErrors::notImplemented);
    router.put("/v1/models/:model/deployment").handler(HttpErrors::notImplemented);
    router.post("/v1/models/:model/rollback").handler(HttpErrors::notImplemented);
  }
}
