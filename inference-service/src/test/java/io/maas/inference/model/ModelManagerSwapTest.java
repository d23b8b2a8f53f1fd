package io.maas.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Role;
import io.prometheus.client.CollectorRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The swap with a fake loader, no broker and no TensorFlow: a new revision serves only once all
 * its versions are ready, what served keeps serving meanwhile and when a load fails, and a
 * replaced version closes only after its last batch.
 */
class ModelManagerSwapTest {

  private final Vertx vertx = Vertx.vertx();
  private final String model = "swap-" + System.nanoTime();
  private final FakeLoader loader = new FakeLoader();
  private final ModelManager manager = new ModelManager(vertx, loader);

  @AfterEach
  void close() throws Exception {
    manager.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Loads every version at once, but a version given a gate waits for it, and a version in {@code failing} throws. */
  private static final class FakeLoader implements VersionLoader {
    final Map<Integer, CountDownLatch> gates = new ConcurrentHashMap<>();
    final Map<Integer, FakeModels.FakePredictor> predictors = new ConcurrentHashMap<>();
    final Set<Integer> failing = ConcurrentHashMap.newKeySet();
    final List<Integer> loads = new CopyOnWriteArrayList<>();

    @Override
    public Loaded load(String model, Role role, ModelDeployment.Slot slot) throws IOException {
      loads.add(slot.version());
      CountDownLatch gate = gates.get(slot.version());
      try {
        if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
          throw new IOException("the test never opened the gate of v" + slot.version());
        }
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      if (failing.contains(slot.version())) {
        throw new IOException("v" + slot.version() + " failed its warm-up");
      }
      FakeModels.FakePredictor predictor = new FakeModels.FakePredictor(0.2f, 0.8f);
      predictors.put(slot.version(), predictor);
      return new Loaded(List.of("ham", "spam"), Set.of(), predictor);
    }
  }

  private static ModelDeployment.Slot slot(int version, Double weight) {
    return new ModelDeployment.Slot(
        version, "http://registry.invalid/artifact/" + version, "0".repeat(64), weight);
  }

  private void deploy(long revision, ModelDeployment.Slot production, ModelDeployment.Slot canary) {
    ModelDeployment deployment =
        new ModelDeployment(model, revision, production, canary, null, System.currentTimeMillis());
    vertx.runOnContext(v -> manager.deploy(deployment));
  }

  private void awaitProduction(int version) {
    Awaitility.await("production v" + version)
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                manager.slots(model) != null
                    && manager.slots(model).production().version() == version);
  }

  private JsonObject status() {
    return manager.status().getJsonObject(model);
  }

  private Double loaded(int version, String role) {
    return CollectorRegistry.defaultRegistry.getSampleValue(
        "maas_model_loaded",
        new String[] {"model", "version", "role"},
        new String[] {model, String.valueOf(version), role});
  }

  @Test
  void aNewRevisionServesOnceReadyAndTheOldVersionClosesAfterItsLastBatch() {
    List<ServedModel> unloaded = new CopyOnWriteArrayList<>();
    manager.onUnloaded(unloaded::add);
    deploy(1, slot(1, null), null);
    awaitProduction(1);
    ServedModel v1 = manager.slots(model).production();
    assertThat(status().getJsonArray("versions").getJsonObject(0).getMap())
        .containsEntry("version", 1)
        .containsEntry("state", "loaded")
        .containsEntry("load", "ready");
    assertThat(status().getValue("nextRevision")).isNull();
    // a batch is running on v1 when revision 2 arrives
    assertThat(v1.acquire()).isTrue();
    CountDownLatch gate = new CountDownLatch(1);
    loader.gates.put(2, gate);

    deploy(2, slot(2, null), null);

    Awaitility.await("v2 loading")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                status().getJsonObject("nextRevision") != null
                    && "loading"
                        .equals(
                            status()
                                .getJsonObject("nextRevision")
                                .getJsonArray("versions")
                                .getJsonObject(0)
                                .getString("load")));
    assertThat(status().getJsonObject("nextRevision").getLong("revision")).isEqualTo(2);
    assertThat(manager.slots(model).production())
        .as("what served keeps serving while v2 loads")
        .isSameAs(v1);
    gate.countDown();
    awaitProduction(2);
    assertThat(status().getLong("revision")).isEqualTo(2);
    assertThat(status().getValue("nextRevision")).isNull();
    assertThat(loaded(2, "production")).isEqualTo(1.0);
    assertThat(loaded(1, "production")).isEqualTo(0.0);
    assertThat(v1.acquire()).as("a retired version takes no new batch").isFalse();
    assertThat(loader.predictors.get(1).closed).as("v1 closed under its running batch").isFalse();
    assertThat(unloaded).isEmpty();

    v1.release();

    Awaitility.await("v1 closed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> loader.predictors.get(1).closed.get());
    Awaitility.await("v1 unloaded")
        .atMost(Duration.ofSeconds(10))
        .until(() -> unloaded.contains(v1));
    assertThat(loaded(1, "production")).isNull();
    assertThat(loader.predictors.get(2).closed).isFalse();
  }

  @Test
  void aVersionThatFailsLeavesTheServingRevisionAndShowsWhichVersionFailed() {
    deploy(1, slot(1, null), null);
    awaitProduction(1);
    ServedModel v1 = manager.slots(model).production();
    loader.failing.add(2);

    deploy(2, slot(1, null), slot(2, 0.5));

    Awaitility.await("the failed load")
        .atMost(Duration.ofSeconds(30))
        .until(() -> status().getString("lastError") != null);
    assertThat(status().getString("lastError")).contains("v2 failed its warm-up");
    assertThat(manager.slots(model).production()).isSameAs(v1);
    assertThat(manager.slots(model).canary()).isNull();
    assertThat(status().getLong("revision")).isEqualTo(1);
    JsonObject next = status().getJsonObject("nextRevision");
    assertThat(next.getLong("revision")).isEqualTo(2);
    assertThat(next.getJsonArray("versions").getJsonObject(0).getMap())
        .containsEntry("version", 1)
        .containsEntry("role", "production")
        .containsEntry("load", "ready");
    assertThat(next.getJsonArray("versions").getJsonObject(1).getMap())
        .containsEntry("version", 2)
        .containsEntry("role", "canary")
        .containsEntry("load", "failed");
    assertThat(next.getJsonArray("versions").getJsonObject(1).getString("error"))
        .contains("v2 failed its warm-up");
    assertThat(loader.loads)
        .as("v1 is shared with the new revision, not loaded again")
        .containsExactly(1, 2);
    assertThat(v1.acquire()).as("v1 still serves").isTrue();
    v1.release();

    loader.failing.remove(2);
    deploy(3, slot(1, null), slot(2, 0.5));

    Awaitility.await("revision 3")
        .atMost(Duration.ofSeconds(30))
        .until(() -> manager.slots(model).canary() != null && manager.slots(model).revision() == 3);
    assertThat(manager.slots(model).production()).isSameAs(v1);
    assertThat(status().getString("lastError")).isNull();
    assertThat(status().getValue("nextRevision")).isNull();
    assertThat(status().getJsonArray("versions").getJsonObject(1).getMap())
        .containsEntry("version", 2)
        .containsEntry("role", "canary")
        .containsEntry("load", "ready")
        .containsEntry("weight", 0.5);
  }
}
