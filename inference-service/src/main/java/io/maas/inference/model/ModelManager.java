package io.maas.inference.model;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Role;
import io.maas.inference.config.InferenceConfig;
import io.maas.model.LoadedModel;
import io.maas.model.ModelCheck;
import io.maas.model.ModelMetadata;
import io.maas.model.Vocabulary;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every model's deployed versions loaded. For each new deployment revision it downloads
 * the artifacts ({@link ArtifactCache}: sha256 checked, cached under {@code $MAAS_HOME/inference}), loads
 * and warms them up beside the versions serving now, then swaps the model's slots in one step;
 * the replaced versions close once their in-flight batches are done. A version that fails to
 * load leaves the previous slots serving. Deployments arrive on the Vert.x context; loading and
 * closing run on one thread of their own, held to {@code MAAS_INFERENCE_LOAD_CPU_PERCENT} of a
 * core ({@link CpuPacer}) and, once a version serves, at the lowest CPU priority ({@link Niceness}),
 * so that a swap is not felt by the versions serving meanwhile;
 * {@link #slots(String)} is safe from any thread.
 *
 * <p>Prometheus series carry version labels only while the version is live: once a replaced
 * version has closed (its last batch done, so nothing writes its series again) its
 * {@code maas_model_loaded} series go, and the {@link #onUnloaded} listeners drop theirs.
 */
public final class ModelManager {

  private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);
  static final Gauge LOADED = Gauge.build("maas_model_loaded", "1 while a model version is loaded and serving a role")
      .labelNames("model", "version", "role").register();
  /** Not removed with a version's other series: the alert on failed loads and swaps reads its increase. */
  static final Counter LOAD_FAILURES = Counter.build("maas_model_load_failures_total",
          "Loads of a model version that failed (download, checksum, unpacking, TensorFlow load or warm-up)")
      .labelNames("model", "version").register();

  private final Vertx vertx;
  private final InferenceConfig config;
  private final ArtifactCache artifacts;
  private final Map<String, ServedModel.Slots> slots = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final Map<String, ModelDeployment> pending = new HashMap<>();
  private final Map<String, Boolean> loading = new HashMap<>();
  private final List<Consumer<ServedModel>> unloaded = new CopyOnWriteArrayList<>();
  /** Whether the loader thread has gone to the background priority; read and set on that thread only. */
  private boolean background;
  /** Loads and closes versions, one at a time, beside the serving threads. */
  private final ExecutorService loader = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "maas-model-loader");
    thread.setDaemon(true);
    return thread;
  });

  public ModelManager(Vertx vertx, InferenceConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.artifacts = new ArtifactCache(config.directory());
  }

  /**
   * Runs {@code listener} with every version that has closed and is not served by another
   * instance of the same version, on whichever thread released it last.
   */
  public void onUnloaded(Consumer<ServedModel> listener) {
    unloaded.add(listener);
  }

  /** The serving slots of a model, or null while none is loaded. */
  public ServedModel.Slots slots(String model) {
    return slots.get(model);
  }

  /** The models with a loaded production version. */
  public java.util.Set<String> servedModels() {
    return java.util.Set.copyOf(slots.keySet());
  }

  /** Whether at least one model has a production version loaded. */
  public boolean anyProductionLoaded() {
    return slots.values().stream().anyMatch(s -> s.production() != null);
  }

  /** Called with every new deployment revision, on the Vert.x context. Loads run one at a time per model. */
  public void deploy(ModelDeployment deployment) {
    String model = deployment.model();
    if (Boolean.TRUE.equals(loading.get(model))) {
      pending.put(model, deployment);
      return;
    }
    loading.put(model, true);
    load(deployment).onComplete(ar -> {
      loading.put(model, false);
      ModelDeployment next = pending.remove(model);
      if (next != null) {
        deploy(next);
      }
    });
  }

  private Future<Void> load(ModelDeployment deployment) {
    String model = deployment.model();
    ServedModel.Slots current = slots.get(model);
    if (deployment.production() == null) {
      LOG.warn("Deployment revision {} of {} names no production version; keeping what serves", deployment.revision(), model);
      return Future.succeededFuture();
    }
    return onLoader(() -> {
          if (!slots.isEmpty()) {
            intoBackground();
          }
          // versions this revision loads anew: closed again if another one of the revision fails
          List<ServedModel> loaded = new ArrayList<>();
          try {
            return new ServedModel.Slots(deployment.revision(),
                reuseOrLoad(model, Role.PRODUCTION, deployment.production(), current, loaded),
                deployment.canary() == null ? null : reuseOrLoad(model, Role.CANARY, deployment.canary(), current, loaded),
                deployment.canary() == null ? 0 : deployment.canary().weight(),
                deployment.shadow() == null ? null : reuseOrLoad(model, Role.SHADOW, deployment.shadow(), current, loaded));
          } catch (IOException | RuntimeException e) {
            loaded.forEach(ServedModel::retire);
            throw e;
          }
        })
        .onSuccess(next -> {
          slots.put(model, next);
          failures.remove(model);
          // gauges first: a retired version that is idle closes, and drops its series, at once
          gauges(model, current, 0);
          gauges(model, next, 1);
          if (current != null) {
            current.all().stream().filter(old -> next.all().stream().noneMatch(n -> n == old)).forEach(ServedModel::retire);
          }
          LOG.info("Model {} revision {} serving: production v{}{}{}", model, deployment.revision(),
              next.production().version(),
              next.canary() == null ? "" : ", canary v" + next.canary().version() + " (" + next.canaryWeight() + ")",
              next.shadow() == null ? "" : ", shadow v" + next.shadow().version());
        })
        .onFailure(e -> {
          String why = String.valueOf(e.getMessage() == null ? e : e.getMessage());
          failures.put(model, why);
          LOG.error("Model {} revision {} failed to load: {}; {}", model, deployment.revision(), why,
              current == null ? "nothing serves this model yet" : "production v" + current.production().version() + " keeps serving");
        })
        .mapEmpty();
  }

  /**
   * On the loader thread, once a version serves: from then on loads and closes run at nice 19, on
   * the CPU that serving leaves idle. Not before: nothing competes with the first loads, and
   * TensorFlow starts its thread pools during the first one; threads inherit a nice value, and
   * those pools must not (with more than one intra-op thread, serving runs on them).
   */
  private void intoBackground() {
    if (background) {
      return;
    }
    background = true;
    String notLowered = Niceness.lowerCurrentThread();
    if (notLowered == null) {
      LOG.info("Versions load and close at nice {} from now on, beside the versions serving", Niceness.BACKGROUND);
    } else {
      LOG.warn("Versions load at the serving threads' CPU priority ({}); only their pacing keeps a swap light", notLowered);
    }
  }

  /** Runs {@code work} on the loader thread; the future completes on the caller's context. */
  private <T> Future<T> onLoader(Callable<T> work) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    try {
      loader.execute(() -> {
        try {
          T result = work.call();
          context.runOnContext(v -> promise.complete(result));
        } catch (Throwable e) {
          // an Error too (a native library that does not link): the model's next deployment must not wait forever
          context.runOnContext(v -> promise.fail(e));
        }
      });
    } catch (RejectedExecutionException closed) {
      return Future.failedFuture(new IllegalStateException("the model manager is closed"));
    }
    return promise.future();
  }

  private static void gauges(String model, ServedModel.Slots s, double value) {
    if (s == null) {
      return;
    }
    for (Role role : Role.values()) {
      ServedModel served = s.of(role);
      if (served != null) {
        LOADED.labels(model, String.valueOf(served.version()), role.code()).set(value);
      }
    }
  }

  /** A version closed: its series go, unless the same version number serves again (a rollback raced its close). */
  private void closed(ServedModel served) {
    ServedModel.Slots now = slots.get(served.model());
    if (now != null && now.all().stream().anyMatch(s -> s != served && s.version() == served.version())) {
      return;
    }
    for (Role role : Role.values()) {
      LOADED.remove(served.model(), String.valueOf(served.version()), role.code());
    }
    unloaded.forEach(listener -> listener.accept(served));
  }

  /** Blocking: a version already loaded for this model is shared, anything else is loaded. */
  private ServedModel reuseOrLoad(String model, Role role, ModelDeployment.Slot slot, ServedModel.Slots current,
      List<ServedModel> loaded) throws IOException {
    if (current != null) {
      for (ServedModel served : current.all()) {
        if (served.version() == slot.version() && served.sha256().equals(slot.sha256())) {
          return served;
        }
      }
    }
    for (ServedModel served : loaded) {
      if (served.version() == slot.version() && served.sha256().equals(slot.sha256())) {
        return served;
      }
    }
    try {
      ServedModel served = loadVersion(model, role, slot);
      loaded.add(served);
      return served;
    } catch (IOException | RuntimeException e) {
      LOAD_FAILURES.labels(model, String.valueOf(slot.version())).inc();
      throw e;
    }
  }

  /**
   * Blocking, on the loader thread: downloads (unless cached), loads and warms up one version,
   * pausing between steps (and every {@value ArtifactCache#PACING_CHUNK} bytes of the artifact) to stay
   * within its share of a core. The TensorFlow load and the warm-up call are single calls; the
   * pause after each is what keeps their average within the share.
   */
  private ServedModel loadVersion(String model, Role role, ModelDeployment.Slot slot) throws IOException {
    long started = System.nanoTime();
    CpuPacer pacer = new CpuPacer(config.loadCpuPercent() / 100.0);
    Path dir = artifacts.unpacked(slot, pacer);
    List<String> classes = ModelCheck.classes(dir, List.of());
    Set<String> vocabulary = Vocabulary.read(dir);
    pacer.pace();
    long tensorflow = System.nanoTime();
    LoadedModel loaded = LoadedModel.load(dir, config.intraOpThreads(), config.interOpThreads(), "gpu".equals(config.device()));
    try {
      long loadMillis = (System.nanoTime() - tensorflow) / 1_000_000;
      pacer.pace();
      long warmup = ModelCheck.warmUp(loaded, ModelMetadata.read(dir), classes);
      pacer.pace();
      LOG.info("Model {} v{} loaded for {} in {} ms (TensorFlow load {} ms, warm-up {} ms, paused {} ms to hold {}% of a core)",
          model, slot.version(), role.code(), (System.nanoTime() - started) / 1_000_000, loadMillis, warmup,
          pacer.sleptMillis(), config.loadCpuPercent());
    } catch (IOException | RuntimeException e) {
      loaded.close();
      throw e;
    }
    return new ServedModel(model, slot.version(), slot.sha256(), classes, vocabulary, loaded, this::closed, loader);
  }

  /** For GET /v1/status. */
  public JsonObject status() {
    JsonObject models = new JsonObject();
    Map<String, Object> names = new HashMap<>();
    slots.keySet().forEach(m -> names.put(m, true));
    failures.keySet().forEach(m -> names.put(m, true));
    for (String model : new java.util.TreeSet<>(names.keySet())) {
      ServedModel.Slots s = slots.get(model);
      JsonArray versions = new JsonArray();
      if (s != null) {
        for (Role role : Role.values()) {
          ServedModel served = s.of(role);
          if (served != null) {
            JsonObject v = new JsonObject().put("version", served.version()).put("role", role.code())
                .put("state", "loaded").put("sha256", served.sha256()).put("classes", new JsonArray(served.classes()));
            if (role == Role.CANARY) {
              v.put("weight", s.canaryWeight());
            }
            versions.add(v);
          }
        }
      }
      models.put(model, new JsonObject()
          .put("revision", s == null ? null : s.revision())
          .put("versions", versions)
          .put("lastError", failures.get(model)));
    }
    return models;
  }

  /** Closes every loaded version (on shutdown, after the pipeline stopped) and waits for them to close. */
  public void close() {
    slots.values().forEach(s -> s.all().forEach(ServedModel::retire));
    slots.clear();
    loader.shutdown();
    try {
      if (!loader.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("Loading or closing a model version still runs after 30 s; shutting down without it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
