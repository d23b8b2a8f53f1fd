package io.maas.inference;

import io.maas.common.config.MaasConfig;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.common.runtime.ServiceLauncher;
import io.maas.inference.http.InferenceApiVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** inference-service: reads {@code maas.requests.<model>}, classifies in micro-batches, writes results. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch("inference-service", MaasConfig::from, Main::deploy, MaasConfig.DEFAULTS);
  }

  /** Deploys the service's verticles in order; the result is the started HTTP API. */
  public static Future<InferenceApiVerticle> deploy(Vertx vertx, MaasConfig config) {
    KafkaAdminVerticle kafka = new KafkaAdminVerticle(new KafkaClients(config.kafkaBootstrapServers(), "inference"),
        List.of(Topics.deadLettersSpec()));
    InferenceApiVerticle api = new InferenceApiVerticle(config.inferencePort(), kafka);
    return vertx.deployVerticle(kafka)
        .compose(id -> vertx.deployVerticle(api))
        .map(id -> api);
  }
}
