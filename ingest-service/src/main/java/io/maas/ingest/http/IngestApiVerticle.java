package io.maas.ingest.http;

import io.maas.common.http.ApiVerticle;
import io.maas.common.http.HttpErrors;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.vertx.ext.web.Router;

/** The ingest HTTP API (contract: "ingest-service"). */
public final class IngestApiVerticle extends ApiVerticle {

  public IngestApiVerticle(int port, KafkaAdminVerticle kafka) {
    super(port, kafka);
  }

  @Override
  protected void routes(Router router) {
    router.post("/v1/models/:model/requests").handler(HttpErrors::notImplemented);
    // TensorFlow Serving's ":predict" suffix is not a path segment, so these routes are regular expressions.
    router.postWithRegex("/v1/models/([^/:]+):predict").handler(HttpErrors::notImplemented);
    router.postWithRegex("/v1/models/([^/:]+)/versions/([0-9]+):predict").handler(HttpErrors::notImplemented);
  }
}
