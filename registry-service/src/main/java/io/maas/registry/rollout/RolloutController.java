package io.maas.registry.rollout;

import io.maas.common.event.ModelDeployment;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.deploy.Deployer;
import io.maas.registry.kafka.RegistryLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the running rollouts: every interval it asks the monitor what it saw of each canary and
 * of production since the step began, judges the step ({@link RolloutGates}) and moves on: the next
 * step, production, or back to the baseline ({@link RolloutStep}). Each move is written to {@code
 * maas.registry} before the deployment revision it makes, and marked applied after it, so a
 * restarted registry finishes a move it was in the middle of and goes on from the recorded step.
 * Moves of one model run one after another ({@link MoveQueue}). Confined to the API verticle's
 * event loop, like the catalog.
 */
public final class RolloutController {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);
  // initialised with the class, so that the rollout families are exported before any rollout
  private static final RolloutMetrics METRICS = RolloutMetrics.INSTANCE;

  private final Vertx vertx;
  private final Catalog catalog;
  private final RegistryLog log;
  private final Deployer deployer;
  private final MonitorClient monitor;
  private final long intervalMillis;
  private final MoveQueue queue = new MoveQueue();
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
    catalog.allRollouts().stream().filter(Rollout::running).forEach(METRICS::record);
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
    return queue.serially(
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
    return queue.serially(
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
      if (queue.busy(r.model())) {
        continue;
      }
      if (!r.applied()) {
        LOG.warn(
            "Rollout {} of {}: finishing the move to {} at step {} that was not recorded as done",
            r.id(),
            r.model(),
            r.state().code(),
            r.step());
        queue.serially(r.model(), () -> move(r));
      } else if (r.running()) {
        queue.serially(r.model(), () -> judge(r.model(), r.id()));
      }
    }
  }

  private Future<Rollout> judge(String model, int id) {
    Rollout r = catalog.rollout(model, id).orElseThrow();
    if (!r.running() || !r.applied()) {
      return Future.succeededFuture(r);
    }
    long now = System.currentTimeMillis();
    return monitor
        .versions(model, RolloutStep.window(now - r.stepStartedAt()))
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
              if (d.outcome() == RolloutGates.Outcome.WAIT) {
                waiting.put(r.key(), d.reason());
              }
              Rollout next = RolloutStep.next(r, judged.canary(), d, now);
              if (next == r) {
                return Future.succeededFuture(r);
              }
              logVerdict(r, d, next);
              return move(next);
            });
  }

  private static void logVerdict(Rollout r, RolloutGates.Decision d, Rollout next) {
    int version = r.plan().version();
    switch (d.outcome()) {
      case PASS ->
          LOG.info(
              "Rollout {} of {} version {}: step {} passed ({}); {}",
              r.id(),
              r.model(),
              version,
              r.step(),
              d.reason(),
              next.running() ? "next step " + next.step() : "promoting it to production");
      case FAIL ->
          LOG.warn(
              "Rollout {} of {} version {}: step {} failed the {} gate ({}); back to production v{}",
              r.id(),
              r.model(),
              version,
              r.step(),
              d.gate(),
              d.reason(),
              r.baseline());
      case WAIT ->
          LOG.warn(
              "Rollout {} of {} version {}: {}; back to production v{}",
              r.id(),
              r.model(),
              version,
              next.reason(),
              r.baseline());
    }
  }

  private record Judged(Evidence canary, RolloutGates.Decision decision) {}

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
              METRICS.record(applied);
              if (!applied.running()) {
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
