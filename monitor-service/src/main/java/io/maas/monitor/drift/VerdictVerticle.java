package io.maas.monitor.drift;

import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.window.Windows;
import io.maas.monitor.window.Windows.VersionVerdict;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every interval, judges each version over the monitor's window, refreshes the gauges, and
 * publishes each change of a version's drift state on the compacted {@code maas.monitor} topic,
 * keyed {@code model/version/drift}: the topic holds every version's current state.
 */
public final class VerdictVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(VerdictVerticle.class);

  private final MonitorConfig config;
  private final KafkaClients clients;
  private final Windows windows;
  private final DriftCheck check;
  private final Map<String, Boolean> published = new HashMap<>();
  private KafkaProducer<String, byte[]> producer;
  private long timer = -1;

  public VerdictVerticle(
      MonitorConfig config, KafkaClients clients, Windows windows, DriftCheck check) {
    this.config = config;
    this.clients = clients;
    this.windows = windows;
    this.check = check;
  }

  @Override
  public Future<?> start() {
    producer = clients.producer(vertx, "verdicts");
    timer = vertx.setPeriodic(config.intervalMillis(), id -> judge());
    return Future.succeededFuture();
  }

  private void judge() {
    vertx
        .executeBlocking(() -> windows.verdicts(config.window()), false)
        .onSuccess(
            verdicts -> {
              MonitorMetrics.publish(verdicts, windows.lagView());
              for (VersionVerdict v : verdicts) {
                if (v.drift().judged()) {
                  publishChange(v);
                }
              }
            })
        .onFailure(e -> LOG.warn("Judging the windows failed: {}", e.toString()));
  }

  private void publishChange(VersionVerdict v) {
    String key = v.model() + "/" + v.version() + "/drift";
    Boolean before = published.get(key);
    if (before != null && before == v.drift().drifted()) {
      return;
    }
    published.put(key, v.drift().drifted());
    JsonObject value =
        new JsonObject()
            .put("model", v.model())
            .put("version", v.version())
            .put("check", "drift")
            .put("role", v.role())
            .put("drifted", v.drift().drifted())
            .put("score", DriftCheck.round(v.drift().score()))
            .put("worst", v.drift().worst())
            .put("threshold", check.psiThreshold())
            .put("window", config.window().toString())
            .put("results", v.results())
            .put("at", System.currentTimeMillis());
    if (v.drift().drifted()) {
      LOG.warn(
          "Model {} v{} drifted over the last {}: {} (PSI {})",
          v.model(),
          v.version(),
          config.window(),
          v.drift().worst(),
          String.format("%.3f", v.drift().score()));
    } else if (before != null) {
      LOG.info(
          "Model {} v{} no longer drifts over the last {}",
          v.model(),
          v.version(),
          config.window());
    }
    producer
        .send(KafkaProducerRecord.create(Topics.MONITOR, key, value.toBuffer().getBytes()))
        .onFailure(
            e -> {
              LOG.warn(
                  "Publishing the drift state of {} failed ({}); it is published again at the next change",
                  key,
                  e.toString());
              published.remove(key);
            });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return producer == null ? Future.succeededFuture() : producer.close();
  }
}
