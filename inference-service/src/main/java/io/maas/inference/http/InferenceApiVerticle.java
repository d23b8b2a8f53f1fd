package io.maas.inference.http;

import io.maas.common.http.ApiVerticle;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.kafka.PipelineVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;

/** The inference service's HTTP API: {@code GET /v1/status}, health and metrics. */
public final class InferenceApiVerticle extends ApiVerticle {

  private final InferenceConfig config;
  private final PipelineVerticle pipeline;

  public InferenceApiVerticle(
      InferenceConfig config, KafkaAdminVerticle kafka, PipelineVerticle pipeline) {
    super(config.maas().inferencePort(), kafka, "openapi/inference-service.json");
    this.config = config;
    this.pipeline = pipeline;
  }

  @Override
  protected void readiness(HealthChecks checks) {
    checks.register(
        "model",
        promise ->
            promise.complete(
                pipeline.models().anyProductionLoaded()
                    ? Status.OK()
                    : Status.KO(
                        new JsonObject().put("reason", "no production model is loaded yet"))));
    checks.register(
        "pipeline",
        promise -> promise.complete(pipeline.pipeline().polling() ? Status.OK() : Status.KO()));
  }

  @Override
  protected void routes(Router router) {
    router
        .get("/v1/status")
        .handler(
            ctx ->
                ctx.json(
                    new JsonObject()
                        .put("worker", config.worker())
                        .put("group", config.groupId())
                        .put("delivery", config.exactlyOnce() ? "exactly-once" : "at-least-once")
                        .put("device", config.device())
                        .put(
                            "batching",
                            new JsonObject()
                                .put("maxBatchSize", config.batchSize())
                                .put("maxWaitMs", config.batchWaitMs())
                                .put("intraOpThreads", config.intraOpThreads())
                                .put("interOpThreads", config.interOpThreads()))
                        .put("pipeline", pipeline.pipeline().polling() ? "polling" : "stopped")
                        .put("models", pipeline.models().status())));
  }
}
