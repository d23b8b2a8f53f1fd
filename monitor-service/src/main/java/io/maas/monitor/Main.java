package io.maas.monitor;

import io.maas.common.config.MaasConfig;
import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.runtime.ServiceLauncher;
import io.maas.monitor.http.MonitorApiVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** monitor-service: watches results, dead letters and lag of every model; owns no topic. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch("monitor-service", MaasConfig::from, Main::deploy, MaasConfig.DEFAULTS);
  }

  /** Deploys the service's verticles in order; the result is the started HTTP API. */
  public static Future<MonitorApiVerticle> deploy(Vertx vertx, MaasConfig config) {
    KafkaAdminVerticle kafka = new KafkaAdminVerticle(new KafkaClients(config.kafkaBootstrapServers(), "monitor"),
        List.of());
    MonitorApiVerticle api = new MonitorApiVerticle(config.monitorPort(), kafka);
    return vertx.deployVerticle(kafka)
        .compose(id -> vertx.deployVerticle(api))
        .map(id -> api);
  }
}
