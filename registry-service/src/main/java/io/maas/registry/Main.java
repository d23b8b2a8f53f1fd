package io.maas.registry;

import io.maas.common.config.MaasConfig;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.common.runtime.ServiceLauncher;
import io.maas.registry.http.RegistryApiVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** registry-service: model versions, artifacts and deployments; owns {@code maas.models} and {@code maas.registry}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch("registry-service", MaasConfig::from, Main::deploy, MaasConfig.DEFAULTS);
  }

  /** Deploys the service's verticles in order; the result is the started HTTP API. */
  public static Future<RegistryApiVerticle> deploy(Vertx vertx, MaasConfig config) {
    KafkaAdminVerticle kafka = new KafkaAdminVerticle(new KafkaClients(config.kafkaBootstrapServers(), "registry"),
        List.of(Topics.modelsSpec(), Topics.registrySpec()));
    RegistryApiVerticle api = new RegistryApiVerticle(config.registryPort(), kafka);
    return vertx.deployVerticle(kafka)
        .compose(id -> vertx.deployVerticle(api))
        .map(id -> api);
  }
}
