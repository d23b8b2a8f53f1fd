package io.maas.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Readiness procedure that asks the cluster to describe itself: it answers only when this
 * process can reach a broker. Used by every service's {@code /health/ready}.
 */
public final class KafkaHealth {

  private static final int TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Admin admin;

  public KafkaHealth(Vertx vertx, Admin admin) {
    this.vertx = vertx;
    this.admin = admin;
  }

  /** The check as a health-check procedure. */
  public void check(Promise<Status> promise) {
    probe().onComplete(ar -> promise.complete(ar.succeeded()
        ? Status.OK(new JsonObject().put("clusterId", ar.result()))
        : Status.KO(new JsonObject().put("error", String.valueOf(ar.cause().getMessage())))));
  }

  /** The cluster id, when a broker answers in time. */
  public Future<String> probe() {
    // The admin client completes its futures on its own network thread; fromCompletionStage
    // hands the result back to the caller's Vert.x context.
    return Future.fromCompletionStage(
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
            .clusterId()
            .toCompletionStage()
            .toCompletableFuture()
            .orTimeout(TIMEOUT_MS + 500, TimeUnit.MILLISECONDS),
        vertx.getOrCreateContext());
  }
}
