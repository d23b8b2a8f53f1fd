package io.maas.monitor.kafka;

import io.maas.common.kafka.KafkaClients;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.window.Windows;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;

/** Runs the stream reader and the lag probe on their threads for as long as the verticle is deployed. */
public final class StreamVerticle extends VerticleBase {

  private final StreamReader reader;
  private final LagProbe lag;

  public StreamVerticle(MonitorConfig config, KafkaClients clients, Windows windows, Clock clock) {
    this.reader = new StreamReader(config, clients, windows, clock);
    this.lag = new LagProbe(config, clients, windows, clock);
  }

  /** Whether the last hour of every maas topic has been read into the windows. */
  public boolean caughtUp() {
    return reader.caughtUp();
  }

  @Override
  public Future<?> start() {
    reader.start();
    lag.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(
        () -> {
          reader.close();
          lag.close();
          return null;
        });
  }
}
