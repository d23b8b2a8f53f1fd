package io.maas.common.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this process reaches a Kafka broker, known in one place. Once {@link #start started}, a
 * probe asks the cluster to describe itself every {@link #PROBE_INTERVAL}: one that gets no answer
 * within {@value #TIMEOUT_MS} ms marks Kafka unreachable, the next one answered marks it reachable
 * again. Every service's {@code /health/ready} answers from the last probe at once (its
 * {@code kafka} check), and ingest refuses requests while Kafka is unreachable rather than hand
 * them to a producer that cannot deliver them.
 *
 * <p>Threading: probes run on the context that called {@link #start}; {@link #reachable()} may be
 * read from any thread; listeners run on the context they gave.
 */
public final class KafkaHealth {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaHealth.class);

  /** How often the cluster is asked once started. */
  public static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

  private static final int TIMEOUT_MS = 2_000;

  /** What the last probe found: the cluster id, or the error, since when. */
  private record State(boolean reachable, String clusterId, String error, long sinceMillis) {}

  private final Vertx vertx;
  private final Admin admin;
  private final String bootstrapServers;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  // The service reached Kafka to start (it created its topics), so it starts out reachable.
  private volatile State state = new State(true, null, null, System.currentTimeMillis());
  private long timer = -1;
  private boolean probing;

  private record Listener(Context context, Consumer<Boolean> consumer) {}

  public KafkaHealth(Vertx vertx, Admin admin, String bootstrapServers) {
    this.vertx = vertx;
    this.admin = admin;
    this.bootstrapServers = bootstrapServers;
  }

  /** Probes now and then every {@link #PROBE_INTERVAL}; the result is the first probe's. */
  public Future<Void> start() {
    timer = vertx.setPeriodic(PROBE_INTERVAL.toMillis(), id -> probeOnce());
    return probeOnce();
  }

  /** Stops probing. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Whether the last probe got an answer (true before the first). */
  public boolean reachable() {
    return state.reachable();
  }

  /** Since when (epoch ms) Kafka has been reachable or unreachable, as {@link #reachable()} says. */
  public long sinceMillis() {
    return state.sinceMillis();
  }

  /** Calls {@code listener} on {@code context} with the new answer each time reachability changes. */
  public void onChange(Context context, Consumer<Boolean> listener) {
    listeners.add(new Listener(context, listener));
  }

  /** The readiness check: what the last probe found, at once. */
  public void check(Promise<Status> promise) {
    State s = state;
    if (!s.reachable()) {
      promise.complete(
          Status.KO(
              new JsonObject()
                  .put("error", s.error())
                  .put("since", Instant.ofEpochMilli(s.sinceMillis()).toString())));
    } else {
      promise.complete(
          s.clusterId() == null
              ? Status.OK()
              : Status.OK(new JsonObject().put("clusterId", s.clusterId())));
    }
  }

  /** The cluster id, when a broker answers in time. */
  public Future<String> probe() {
    // The admin client completes its futures on its own network thread; fromCompletionStage
    // hands the result back to the caller's Vert.x context.
    return Future.fromCompletionStage(
        admin
            .describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
            .clusterId()
            .toCompletionStage()
            .toCompletableFuture()
            .orTimeout(TIMEOUT_MS + 500, TimeUnit.MILLISECONDS),
        vertx.getOrCreateContext());
  }

  private Future<Void> probeOnce() {
    if (probing) {
      // a probe waits out its timeout while Kafka is gone; one at a time
      return Future.succeededFuture();
    }
    probing = true;
    return probe()
        .transform(
            ar -> {
              probing = false;
              record(
                  ar.succeeded(),
                  ar.succeeded() ? ar.result() : null,
                  ar.succeeded() ? null : String.valueOf(ar.cause().getMessage()));
              return Future.succeededFuture();
            });
  }

  private void record(boolean reachable, String clusterId, String error) {
    State before = state;
    long now = System.currentTimeMillis();
    state =
        new State(
            reachable,
            clusterId,
            error,
            before.reachable() == reachable ? before.sinceMillis() : now);
    if (before.reachable() == reachable) {
      return;
    }
    if (reachable) {
      LOG.info(
          "Kafka at {} answers again, after {} s unreachable",
          bootstrapServers,
          TimeUnit.MILLISECONDS.toSeconds(now - before.sinceMillis()));
    } else {
      LOG.warn(
          "Kafka at {} is unreachable ({}); readiness reports DOWN until a probe is answered (every {} s)",
          bootstrapServers,
          error,
          PROBE_INTERVAL.toSeconds());
    }
    for (Listener listener : listeners) {
      listener.context().runOnContext(v -> listener.consumer().accept(reachable));
    }
  }
}
