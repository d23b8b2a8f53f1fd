package io.maas.registry.rollout;

import io.maas.common.event.ModelDeployment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One progressive rollout and where it stands: the value of {@code model/rollout/<id>} on
 * {@code maas.registry}. Each change is written before the deployment revision it asks for, with
 * {@code applied} false, and again with {@code applied} true once that revision is recorded: a
 * registry that stopped in between makes the revision at its next start. Immutable.
 *
 * @param baseline      the production version when the rollout started: what a rollback returns to
 * @param number        the current step's index into {@link RolloutPlan#steps()}
 * @param stepStartedAt when the current step's deployment revision was asked for
 * @param reason        why it rolled back or was aborted (the failing gate's numbers), else null
 * @param gate          the gate that failed, else null
 * @param steps         what each step passed on, for people
 */
public record Rollout(
    String model,
    int id,
    RolloutPlan plan,
    int baseline,
    State state,
    int number,
    long startedAt,
    long stepStartedAt,
    Long endedAt,
    String gate,
    String reason,
    boolean applied,
    List<JsonObject> steps) {

  public enum State {
    RUNNING("running"),
    PROMOTED("promoted"),
    ROLLED_BACK("rolled_back"),
    ABORTED("aborted");

    private final String code;

    State(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    static State of(String code) {
      for (State s : values()) {
        if (s.code.equals(code)) {
          return s;
        }
      }
      throw new IllegalArgumentException("no rollout state " + code);
    }
  }

  public Rollout {
    steps = List.copyOf(steps);
  }

  /** A new rollout at its first step, not applied yet. */
  public static Rollout start(String model, int id, RolloutPlan plan, int baseline, long now) {
    return new Rollout(
        model, id, plan, baseline, State.RUNNING, 0, now, now, null, null, null, false, List.of());
  }

  public boolean running() {
    return state == State.RUNNING;
  }

  /** The canary weight of the current step; 1.0 once promoted. */
  public double step() {
    return state == State.PROMOTED ? 1.0 : plan.step(number);
  }

  /** The key of its record on {@code maas.registry}. */
  public String key() {
    return key(model, id);
  }

  public static String key(String model, int id) {
    return model + "/rollout/" + id;
  }

  /** The current step passed: the next one, or promotion after the last canary step. */
  public Rollout passed(long now, Evidence canary, String why) {
    List<JsonObject> log = log(now, canary, "passed", why);
    int next = number + 1;
    if (next >= plan.steps().size() || plan.promotes(next)) {
      return new Rollout(
          model,
          id,
          plan,
          baseline,
          State.PROMOTED,
          Math.min(next, plan.steps().size() - 1),
          startedAt,
          now,
          now,
          null,
          null,
          false,
          log);
    }
    return new Rollout(
        model,
        id,
        plan,
        baseline,
        State.RUNNING,
        next,
        startedAt,
        now,
        null,
        null,
        null,
        false,
        log);
  }

  /** A gate failed: back to the baseline. */
  public Rollout rolledBack(long now, Evidence canary, String failedGate, String why) {
    return new Rollout(
        model,
        id,
        plan,
        baseline,
        State.ROLLED_BACK,
        number,
        startedAt,
        stepStartedAt,
        now,
        failedGate,
        why,
        false,
        log(now, canary, "failed", why));
  }

  /** Stopped by a person: back to the baseline. */
  public Rollout aborted(long now, String why) {
    return new Rollout(
        model,
        id,
        plan,
        baseline,
        State.ABORTED,
        number,
        startedAt,
        stepStartedAt,
        now,
        null,
        why,
        false,
        steps);
  }

  /** Its deployment revision is recorded. */
  public Rollout asApplied() {
    return new Rollout(
        model,
        id,
        plan,
        baseline,
        state,
        number,
        startedAt,
        stepStartedAt,
        endedAt,
        gate,
        reason,
        true,
        steps);
  }

  private List<JsonObject> log(long now, Evidence canary, String outcome, String why) {
    List<JsonObject> log = new ArrayList<>(steps);
    log.add(
        new JsonObject()
            .put("step", plan.step(number))
            .put("number", number + 1)
            .put("startedAt", stepStartedAt)
            .put("endedAt", now)
            .put("outcome", outcome)
            .put("canary", canary.toJson())
            .put("because", why));
    return log;
  }

  /** What the deployment revisions it makes carry, for the monitor. */
  public ModelDeployment.RolloutMark mark() {
    return new ModelDeployment.RolloutMark(
        id, plan.version(), state.code(), step(), number + 1, plan.steps().size(), reason);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("type", "rollout")
        .put("model", model)
        .put("id", id)
        .put("version", plan.version())
        .put("state", state.code())
        .put("step", step())
        .put("stepNumber", number + 1)
        .put("baseline", baseline)
        .put("startedAt", startedAt)
        .put("stepStartedAt", stepStartedAt)
        .put("endedAt", endedAt)
        .put("gate", gate)
        .put("reason", reason)
        .put("applied", applied)
        .put("plan", plan.toJson())
        .put("steps", new JsonArray(new ArrayList<>(steps)));
  }

  public static Rollout fromJson(JsonObject json) {
    List<JsonObject> steps = new ArrayList<>();
    json.getJsonArray("steps", new JsonArray()).forEach(s -> steps.add((JsonObject) s));
    Object ended = json.getValue("endedAt");
    return new Rollout(
        json.getString("model"),
        json.getInteger("id"),
        RolloutPlan.fromJson(json.getJsonObject("plan")),
        json.getInteger("baseline"),
        State.of(json.getString("state")),
        json.getInteger("stepNumber") - 1,
        json.getLong("startedAt"),
        json.getLong("stepStartedAt"),
        ended == null ? null : ((Number) ended).longValue(),
        json.getString("gate"),
        json.getString("reason"),
        json.getBoolean("applied", false),
        steps);
  }
}
