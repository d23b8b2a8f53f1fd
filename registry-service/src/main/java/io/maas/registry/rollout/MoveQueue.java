package io.maas.registry.rollout;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the moves of one model one after another, each once the one before has completed, whatever
 * its outcome. Confined to the event loop of the {@link RolloutController} that owns it.
 */
final class MoveQueue {

  private final Map<String, Future<?>> queues = new HashMap<>();

  /** Runs {@code op} after the model's earlier moves. */
  <T> Future<T> serially(String model, Supplier<Future<T>> op) {
    Future<?> before = queues.getOrDefault(model, Future.succeededFuture());
    Future<T> next = before.transform(ar -> op.get());
    queues.put(model, next);
    return next;
  }

  /** Whether a move of the model is still running or waiting. */
  boolean busy(String model) {
    Future<?> queue = queues.get(model);
    return queue != null && !queue.isComplete();
  }
}
