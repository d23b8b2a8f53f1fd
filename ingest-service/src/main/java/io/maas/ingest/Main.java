package io.maas.ingest;

import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.common.runtime.ServiceLauncher;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.http.IngestApiVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** ingest-service: where requests enter over HTTP; writes {@code maas.requests.<model>} and {@code maas.dlq}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "ingest-service", IngestConfig::from, Main::deploy, IngestConfig.DEFAULTS);
  }

  /** Deploys the service's verticles in order; the result is the started HTTP API. */
  public static Future<IngestApiVerticle> deploy(Vertx vertx, IngestConfig config) {
    KafkaClients clients = KafkaClients.of(config.maas(), "ingest");
    KafkaAdminVerticle kafka = new KafkaAdminVerticle(clients, List.of(Topics.deadLettersSpec()));
    IngestApiVerticle api = new IngestApiVerticle(config, clients, kafka);
    return vertx.deployVerticle(kafka).compose(id -> vertx.deployVerticle(api)).map(id -> api);
  }
}
