package io.maas.inference;

import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.common.runtime.ServiceLauncher;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.http.InferenceApiVerticle;
import io.maas.inference.kafka.PipelineVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** inference-service: reads {@code maas.requests.<model>}, classifies in micro-batches, writes results. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "inference-service", InferenceConfig::from, Main::deploy, InferenceConfig.DEFAULTS);
  }

  /** Deploys the service's verticles in order; the result is the started HTTP API. */
  public static Future<InferenceApiVerticle> deploy(Vertx vertx, InferenceConfig config) {
    KafkaClients clients = KafkaClients.of(config.maas(), "inference");
    KafkaAdminVerticle kafka = new KafkaAdminVerticle(clients, List.of(Topics.deadLettersSpec()));
    PipelineVerticle pipeline = new PipelineVerticle(config, clients);
    InferenceApiVerticle api = new InferenceApiVerticle(config, kafka, pipeline);
    return vertx
        .deployVerticle(kafka)
        .compose(id -> vertx.deployVerticle(pipeline))
        .compose(id -> vertx.deployVerticle(api))
        .map(id -> api);
  }
}
