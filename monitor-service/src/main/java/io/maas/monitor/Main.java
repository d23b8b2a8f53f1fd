package io.maas.monitor;

import io.maas.common.kafka.KafkaAdminVerticle;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.common.runtime.ServiceLauncher;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.drift.DriftCheck;
import io.maas.monitor.drift.VerdictVerticle;
import io.maas.monitor.http.MonitorApiVerticle;
import io.maas.monitor.kafka.StreamVerticle;
import io.maas.monitor.registry.ProfileFetcher;
import io.maas.monitor.window.Windows;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;

/**
 * monitor-service: reads every model's answers, dead letters, deployments and ground truth from
 * Kafka into windows of event time, judges drift against each version's reference profile,
 * watches the consumer groups' lag, and serves the summary, the live page and the gauges.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.launch(
        "monitor-service", MonitorConfig::from, Main::deploy, MonitorConfig.DEFAULTS);
  }

  /** Deploys the service's verticles in order; the result is the started HTTP API. */
  public static Future<MonitorApiVerticle> deploy(Vertx vertx, MonitorConfig config) {
    Clock clock = Clock.systemUTC();
    KafkaClients clients = KafkaClients.of(config.maas(), "monitor");
    DriftCheck check =
        new DriftCheck(config.psiThreshold(), config.jsThreshold(), config.minResults());
    Windows windows = new Windows(check, config.profileResults(), config.answersCapacity(), clock);
    KafkaAdminVerticle kafka = new KafkaAdminVerticle(clients, List.of(Topics.monitorSpec()));
    StreamVerticle stream = new StreamVerticle(config, clients, windows, clock);
    MonitorApiVerticle api = new MonitorApiVerticle(config, kafka, windows, stream);
    return vertx
        .deployVerticle(kafka)
        .compose(id -> vertx.deployVerticle(stream))
        .compose(
            id -> vertx.deployVerticle(new ProfileFetcher(config.maas().registryUrl(), windows)))
        .compose(id -> vertx.deployVerticle(new VerdictVerticle(config, clients, windows, check)))
        .compose(id -> vertx.deployVerticle(api))
        .map(id -> api);
  }
}
