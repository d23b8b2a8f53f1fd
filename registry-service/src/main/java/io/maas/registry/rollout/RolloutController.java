package io.maas.registry.rollout;

import io.maas.common.event.ModelDeployment;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.deploy.Deployer;
import io.maas.registry.kafka.RegistryLog;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the running rollouts: every interval it asks the monitor what it saw of each canary and
 * of production since the step began, judges the step ({@link RolloutGates}) and moves on: the next
 * step, production, or back to the baseline. Each move is written to {@code maas.registry} before
 * the deployment revision it makes, and marked applied after it, so a restarted registry finishes
 * a move it was in the middle of and goes on from the recorded step. Moves of one model run one
 * after another. Confined to the API verticle's event loop, like the catalog.
 */
public final class RolloutController {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

  static final Counter ENDED =
      Counter.build(
              "maas_rollouts_total",
              "Progressive rollouts that ended, by how (promoted, rolled_back, aborted)")
          .labelNames("model", "state")
          .register();
  static final Gauge WEIGHT =
      Gauge.build(
              "maas_rollout_canary_weight", "The canary weight of the step a running rollout is at")
          .labelNames("model", "version")
          .register();

  private final Vertx vertx;
  private final Catalog catalog;
  private final RegistryLog log;
  private final Deployer deployer;
  private final MonitorClient monitor;
  private final long intervalMillis;
  private final Map<String, Future<?>> queues = new HashMap<>();
  private final Map<String, String> waiting = new HashMap<>();
  private long timer = -1;

  public RolloutController(
      Vertx vertx,
      Catalog catalog,
      RegistryLog log,
      Deployer deployer,
      MonitorClient monitor,
      long intervalMillis) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.log = log;
    this.deployer = deployer;
    this.monitor = monitor;
    this.intervalMillis = intervalMillis;
  }

  /** Finishes moves a stopped registry left half done, then judges every interval. */
  public void start() {
    catalog.allRollouts().stream()
        .filter(Rollout::running)
        .forEach(r -> WEIGHT.labels(r.model(), String.valueOf(r.plan().version())).set(r.step()));
    tick();
    timer = vertx.setPeriodic(intervalMillis, id -> tick());
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return monitor.close();
  }

  /** Starts a rollout the API checked; completes once its first step's revision is recorded. */
  public Future<Rollout> begin(String model, RolloutPlan plan, int baseline) {
    return serially(
        model,
        () -> {
          if (catalog.runningRollout(model).isPresent()) {
            return Future.failedFuture(
                new IllegalStateException("a rollout of " + model + " is running"));
          }
          Rollout rollout =
              Rollout.start(
                  model, catalog.nextRolloutId(model), plan, baseline, System.currentTimeMillis());
          LOG.info(
              "Rollout {} of {} version {} starts: steps {}, {} answers a step, production v{} is the baseline",
              rollout.id(),
              model,
              plan.version(),
              plan.steps(),
              plan.minResults(),
              baseline);
          return move(rollout);
        });
  }

  /** Stops a running rollout: back to its baseline. */
  public Future<Rollout> abort(String model, int id, String why) {
    return serially(
        model,
        () -> {
          Rollout now = catalog.rollout(model, id).orElseThrow();
          if (!now.running()) {
            return Future.succeededFuture(now);
          }
          LOG.warn(
              "Rollout {} of {} version {} aborted at step {}: {}",
              id,
              model,
              now.plan().version(),
              now.step(),
              why);
          return move(now.aborted(System.currentTimeMillis(), why));
        });
  }

  /** Why a running rollout has not moved on yet, as of the last check; null when it has not been checked. */
  public String waitingFor(Rollout rollout) {
    return rollout.running() ? waiting.get(rollout.key()) : null;
  }

  private void tick() {
    for (Rollout r : catalog.allRollouts()) {
      Future<?> queue = queues.get(r.model());
      if (queue != null && !queue.isComplete()) {
        continue;
      }
      if (!r.applied()) {
        LOG.warn(
            "Rollout {} of {}: finishing the move to {} at step {} that was not recorded as done",
            r.id(),
            r.model(),
            r.state().code(),
            r.step());
        serially(r.model(), () -> move(r));
      } else if (r.running()) {
        serially(r.model(), () -> judge(r.model(), r.id()));
      }
    }
  }

  /** Runs {@code op} after the model's earlier moves, whatever their outcome. */
  private <T> Future<T> serially(String model, Supplier<Future<T>> op) {
    Future<?> before = queues.getOrDefault(model, Future.succeededFuture());
    Future<T> next = before.transform(ar -> op.get());
    queues.put(model, next);
    return next;
  }

  private Future<Rollout> judge(String model, int id) {
    Rollout r = catalog.rollout(model, id).orElseThrow();
    if (!r.running() || !r.applied()) {
      return Future.succeededFuture(r);
    }
    long now = System.currentTimeMillis();
    return monitor
        .versions(model, window(now - r.stepStartedAt()))
        .map(
            versions -> {
              Evidence canary =
                  Evidence.fromSummary(versions.getJsonObject(String.valueOf(r.plan().version())));
              Evidence production =
                  Evidence.fromSummary(versions.getJsonObject(String.valueOf(r.baseline())));
              return new Judged(canary, RolloutGates.judge(r.plan(), canary, production));
            })
        .recover(
            e ->
                Future.succeededFuture(
                    new Judged(
                        Evidence.NONE,
                        new RolloutGates.Decision(
                            RolloutGates.Outcome.WAIT,
                            "monitor",
                            "the monitor could not be asked: " + e.getMessage()))))
        .compose(
            judged -> {
              RolloutGates.Decision d = judged.decision();
              switch (d.outcome()) {
                case PASS -> {
                  Rollout next = r.passed(now, judged.canary(), d.reason());
                  LOG.info(
                      "Rollout {} of {} version {}: step {} passed ({}); {}",
                      id,
                      model,
                      r.plan().version(),
                      r.step(),
                      d.reason(),
                      next.running() ? "next step " + next.step() : "promoting it to production");
                  return move(next);
                }
                case FAIL -> {
                  LOG.warn(
                      "Rollout {} of {} version {}: step {} failed the {} gate ({}); back to production v{}",
                      id,
                      model,
                      r.plan().version(),
                      r.step(),
                      d.gate(),
                      d.reason(),
                      r.baseline());
                  return move(r.rolledBack(now, judged.canary(), d.gate(), d.reason()));
                }
                default -> {
                  waiting.put(r.key(), d.reason());
                  if (now - r.stepStartedAt() > r.plan().maxStepSeconds() * 1000L) {
                    String why =
                        "step "
                            + r.step()
                            + " had no verdict within "
                            + r.plan().maxStepSeconds()
                            + " s: "
                            + d.reason();
                    LOG.warn(
                        "Rollout {} of {} version {}: {}; back to production v{}",
                        id,
                        model,
                        r.plan().version(),
                        why,
                        r.baseline());
                    return move(r.rolledBack(now, judged.canary(), "max_step_seconds", why));
                  }
                  return Future.succeededFuture(r);
                }
              }
            });
  }

  private record Judged(Evidence canary, RolloutGates.Decision decision) {}

  /** The window that covers the step: whole 10 s slots back from now, one more than the step has lasted. */
  static Duration window(long elapsedMillis) {
    long slots = Math.max(0, (elapsedMillis + 9_999) / 10_000) + 1;
    return Duration.ofSeconds(Math.min(3600, slots * 10));
  }

  /** Records the rollout's new state, makes the revision it asks for, and records that it did. */
  private Future<Rollout> move(Rollout next) {
    String version = String.valueOf(next.plan().version());
    return log.append(next.key(), next.toJson())
        .compose(v -> deployer.record(revision(next)))
        .compose(
            d -> {
              Rollout applied = next.asApplied();
              return log.append(applied.key(), applied.toJson()).map(applied);
            })
        .onSuccess(
            applied -> {
              waiting.remove(applied.key());
              if (applied.running()) {
                WEIGHT.labels(applied.model(), version).set(applied.step());
              } else {
                WEIGHT.remove(applied.model(), version);
                ENDED.labels(applied.model(), applied.state().code()).inc();
                LOG.info(
                    "Rollout {} of {} version {} {}{}",
                    applied.id(),
                    applied.model(),
                    version,
                    applied.state().code(),
                    applied.reason() == null ? "" : ": " + applied.reason());
              }
            })
        .onFailure(
            e ->
                LOG.error(
                    "Rollout {} of {}: recording the move to {} failed ({}); tried again in {} ms",
                    next.id(),
                    next.model(),
                    next.state().code(),
                    e.getMessage(),
                    intervalMillis));
  }

  /** The deployment revision a rollout's state asks for; the shadow stays unless it is the rolled-out version. */
  private Catalog.Deployment revision(Rollout r) {
    ModelDeployment current = catalog.deployment(r.model()).orElseThrow().deployment();
    int version = r.plan().version();
    Integer shadow =
        current.shadow() == null || current.shadow().version() == version
            ? null
            : current.shadow().version();
    ModelDeployment.RolloutMark mark = r.mark();
    return switch (r.state()) {
      case RUNNING -> deployer.next(r.model(), r.baseline(), version, r.step(), shadow, mark);
      case PROMOTED -> deployer.next(r.model(), version, null, null, shadow, mark);
      case ROLLED_BACK, ABORTED -> deployer.next(r.model(), r.baseline(), null, null, shadow, mark);
    };
  }

  /** The rollout as the API shows it. */
  public JsonObject view(Rollout r) {
    JsonObject json = r.toJson();
    json.remove("type");
    json.remove("applied");
    return json.put("waitingFor", waitingFor(r));
  }

  public List<Rollout> rollouts(String model) {
    return catalog.rollouts(model);
  }
}
