package io.maas.inference.model;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Role;
import io.maas.inference.config.InferenceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every model's deployed versions loaded: the swap policy. For each new deployment revision
 * it has the {@link VersionLoader} load and warm up its new versions ({@link TensorFlowLoader}:
 * artifacts from the {@link ArtifactCache}, held to {@code MAAS_INFERENCE_LOAD_CPU_PERCENT} of a
 * core by a {@link CpuPacer}) beside the versions serving now, then swaps the model's slots in one
 * step; the replaced versions close once their in-flight batches are done ({@link ServedModel}
 * counts them). A version that fails to load leaves the previous slots serving. Each version of a
 * revision not serving yet has an explicit {@link LoadState}, shown by {@link #status()}.
 *
 * <p>Threading: deployments arrive on the Vert.x context, where the slots are swapped; loading and
 * closing run on one thread of their own, one version at a time, and once a version serves at the
 * lowest CPU priority ({@link Niceness}), so that a swap is not felt by the versions serving
 * meanwhile. {@link #slots(String)} and {@link #status()} are safe from any thread.
 *
 * <p>Prometheus series carry version labels only while the version is live: once a replaced
 * version has closed (its last batch done, so nothing writes its series again) its
 * {@code maas_model_loaded} series go, and the {@link #onUnloaded} listeners drop theirs.
 */
public final class ModelManager {

  private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

  private final Vertx vertx;
  private final VersionLoader versions;
  private final RevisionLoads loads = new RevisionLoads();
  private final Map<String, ServedModel.Slots> slots = new ConcurrentHashMap<>();
  private final DeployQueue queue = new DeployQueue(this::load);
  private final List<Consumer<ServedModel>> unloaded = new CopyOnWriteArrayList<>();
  private final LoaderThread loader = new LoaderThread();

  public ModelManager(Vertx vertx, InferenceConfig config) {
    this(vertx, new TensorFlowLoader(config));
  }

  ModelManager(Vertx vertx, VersionLoader versions) {
    this.vertx = vertx;
    this.versions = versions;
  }

  /**
   * Runs {@code listener} with every version that has closed and is not served by another
   * instance of the same version, after its last batch, on the loader thread (once that has shut down, on the
   * thread that released it).
   */
  public void onUnloaded(Consumer<ServedModel> listener) {
    unloaded.add(listener);
  }

  /** The serving slots of a model, or null while none is loaded. */
  public ServedModel.Slots slots(String model) {
    return slots.get(model);
  }

  /** The models with a loaded production version. */
  public Set<String> servedModels() {
    return Set.copyOf(slots.keySet());
  }

  /** Whether at least one model has a production version loaded. */
  public boolean anyProductionLoaded() {
    return slots.values().stream().anyMatch(s -> s.production() != null);
  }

  /** Called with every new deployment revision, on the Vert.x context; see {@link DeployQueue}. */
  public void deploy(ModelDeployment deployment) {
    queue.submit(deployment);
  }

  private Future<Void> load(ModelDeployment deployment) {
    String model = deployment.model();
    ServedModel.Slots current = slots.get(model);
    if (deployment.production() == null) {
      LOG.warn(
          "Deployment revision {} of {} names no production version; keeping what serves",
          deployment.revision(),
          model);
      return Future.succeededFuture();
    }
    loads.start(deployment);
    return loader
        .submit(
            vertx,
            () -> {
              if (!slots.isEmpty()) {
                loader.intoBackground();
              }
              // versions this revision loads anew: closed
              // again if another one of the revision fails
              List<ServedModel> loaded = new ArrayList<>();
              try {
                return new ServedModel.Slots(
                    deployment.revision(),
                    reuseOrLoad(model, Role.PRODUCTION, deployment.production(), current, loaded),
                    deployment.canary() == null
                        ? null
                        : reuseOrLoad(model, Role.CANARY, deployment.canary(), current, loaded),
                    deployment.canary() == null ? 0 : deployment.canary().weight(),
                    deployment.shadow() == null
                        ? null
                        : reuseOrLoad(model, Role.SHADOW, deployment.shadow(), current, loaded));
              } catch (IOException | RuntimeException e) {
                loaded.forEach(ServedModel::retire);
                throw e;
              }
            })
        .onSuccess(
            next -> {
              slots.put(model, next);
              loads.served(model);
              // gauges first: a retired version that is idle closes, and drops its series, at once
              LoadMetrics.loaded(model, current, 0);
              LoadMetrics.loaded(model, next, 1);
              if (current != null) {
                current.all().stream()
                    .filter(old -> next.all().stream().noneMatch(n -> n == old))
                    .forEach(ServedModel::retire);
              }
              LOG.info(
                  "Model {} revision {} serving: production v{}{}{}",
                  model,
                  deployment.revision(),
                  next.production().version(),
                  next.canary() == null
                      ? ""
                      : ", canary v" + next.canary().version() + " (" + next.canaryWeight() + ")",
                  next.shadow() == null ? "" : ", shadow v" + next.shadow().version());
            })
        .onFailure(
            e -> {
              String why = String.valueOf(e.getMessage() == null ? e : e.getMessage());
              loads.failed(model, why);
              LOG.error(
                  "Model {} revision {} failed to load: {}; {}",
                  model,
                  deployment.revision(),
                  why,
                  current == null
                      ? "nothing serves this model yet"
                      : "production v" + current.production().version() + " keeps serving");
            })
        .mapEmpty();
  }

  /** A version closed: its series go, unless the same version number serves again (a rollback raced its close). */
  private void closed(ServedModel served) {
    ServedModel.Slots now = slots.get(served.model());
    if (now != null
        && now.all().stream().anyMatch(s -> s != served && s.version() == served.version())) {
      return;
    }
    LoadMetrics.forget(served);
    unloaded.forEach(listener -> listener.accept(served));
  }

  /** Blocking: a version already loaded for this model is shared, anything else is loaded. */
  private ServedModel reuseOrLoad(
      String model,
      Role role,
      ModelDeployment.Slot slot,
      ServedModel.Slots current,
      List<ServedModel> loaded)
      throws IOException {
    List<ServedModel> candidates = new ArrayList<>(loaded);
    if (current != null) {
      candidates.addAll(0, current.all());
    }
    for (ServedModel served : candidates) {
      if (served.version() == slot.version() && served.sha256().equals(slot.sha256())) {
        loads.set(model, role, LoadState.READY, null);
        return served;
      }
    }
    VersionLoader.Loaded version;
    try {
      version = versions.load(model, role, slot);
    } catch (IOException | RuntimeException e) {
      LoadMetrics.LOAD_FAILURES.labels(model, String.valueOf(slot.version())).inc();
      loads.set(
          model,
          role,
          LoadState.FAILED,
          String.valueOf(e.getMessage() == null ? e : e.getMessage()));
      throw e;
    }
    ServedModel served =
        new ServedModel(
            model,
            slot.version(),
            slot.sha256(),
            version.classes(),
            version.vocabulary(),
            version.predictor(),
            this::closed,
            loader);
    loaded.add(served);
    loads.set(model, role, LoadState.READY, null);
    return served;
  }

  /** For GET /v1/status: see {@link ModelStatus}. Safe from any thread. */
  public JsonObject status() {
    return ModelStatus.json(slots, loads);
  }

  /** Closes every loaded version (on shutdown, after the pipeline stopped) and waits for them to close. */
  public void close() {
    slots.values().forEach(s -> s.all().forEach(ServedModel::retire));
    slots.clear();
    loader.close();
  }
}
