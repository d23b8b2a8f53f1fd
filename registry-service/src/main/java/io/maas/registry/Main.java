package io.maas.registry;

import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.common.runtime.ServiceLauncher;
import io.maas.registry.config.RegistryConfig;
import io.maas.registry.http.RegistryApiVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** registry-service: model versions, artifacts and deployments; owns {@code maas.models} and {@code maas.registry}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "registry-service", RegistryConfig::from, Main::deploy, RegistryConfig.DEFAULTS);
  }

  /** Deploys the service's verticles in order; the result is the started HTTP API. */
  public static Future<RegistryApiVerticle> deploy(Vertx vertx, RegistryConfig config) {
    KafkaClients clients = KafkaClients.of(config.maas(), "registry");
    KafkaAdminVerticle kafka =
        new KafkaAdminVerticle(clients, List.of(Topics.modelsSpec(), Topics.registrySpec()));
    RegistryApiVerticle api = new RegistryApiVerticle(config, clients, kafka);
    return vertx.deployVerticle(kafka).compose(id -> vertx.deployVerticle(api)).map(id -> api);
  }
}
