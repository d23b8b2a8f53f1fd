package io.maas.inference.model;

import io.maas.common.event.ModelDeployment;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs one load per model at a time: a revision that arrives while its model loads waits, and only
 * the newest one waiting loads next (the ones it replaced never load). Used on the Vert.x context
 * only, so it needs no locks.
 */
final class DeployQueue {

  private final Function<ModelDeployment, Future<Void>> load;
  private final Set<String> loading = new HashSet<>();
  private final Map<String, ModelDeployment> pending = new HashMap<>();

  /** @param load loads a revision; its future completes on the same context */
  DeployQueue(Function<ModelDeployment, Future<Void>> load) {
    this.load = load;
  }

  void submit(ModelDeployment deployment) {
    String model = deployment.model();
    if (loading.contains(model)) {
      pending.put(model, deployment);
      return;
    }
    loading.add(model);
    load.apply(deployment)
        .onComplete(
            ar -> {
              loading.remove(model);
              ModelDeployment next = pending.remove(model);
              if (next != null) {
                submit(next);
              }
            });
  }
}
