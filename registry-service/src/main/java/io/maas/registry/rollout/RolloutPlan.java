package io.maas.registry.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rollout was asked to do: the body of {@code POST /v1/models/{model}/rollouts}, checked.
 *
 * @param version        the version rolled out
 * @param steps          the canary's weight at each step, increasing, in (0, 1]; after the last step
 *                       passes the version becomes production (a last step of 1.0 is that promotion)
 * @param minResults     answers (results plus dead letters) the canary needs at a step before it is judged
 * @param maxStepSeconds a step without a verdict by then rolls back
 * @param gates          what a step must hold
 */
public record RolloutPlan(
    int version, List<Double> steps, int minResults, int maxStepSeconds, Gates gates) {

  public static final List<Double> DEFAULT_STEPS = List.of(0.05, 0.25, 0.5, 1.0);
  public static final int DEFAULT_MIN_RESULTS = 200;
  public static final int DEFAULT_MAX_STEP_SECONDS = 600;

  public RolloutPlan {
    steps = List.copyOf(steps);
  }

  /**
   * The gates a step must pass, besides enough answers.
   *
   * @param maxErrorRateIncrease how far the canary's share of dead letters may exceed production's
   * @param maxLatencyRatio      the canary's p99 may be at most this times production's p99 ...
   * @param latencySlackMs       ... plus this many milliseconds (p99s of a few hundred answers are noisy)
   * @param minAgreement         the least share of the canary's answers equal to production's for the same requests
   */
  public record Gates(
      double maxErrorRateIncrease,
      double maxLatencyRatio,
      double latencySlackMs,
      double minAgreement) {

    public static final Gates DEFAULT = new Gates(0.0, 1.5, 25, 0.9);

    static Gates fromJson(JsonObject json) {
      if (json == null) {
        return DEFAULT;
      }
      return new Gates(
          number(json, "maxErrorRateIncrease", DEFAULT.maxErrorRateIncrease, 0, 1),
          number(json, "maxLatencyRatio", DEFAULT.maxLatencyRatio, 1, 100),
          number(json, "latencySlackMs", DEFAULT.latencySlackMs, 0, 60_000),
          number(json, "minAgreement", DEFAULT.minAgreement, 0, 1));
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("maxErrorRateIncrease", maxErrorRateIncrease)
          .put("maxLatencyRatio", maxLatencyRatio)
          .put("latencySlackMs", latencySlackMs)
          .put("minAgreement", minAgreement);
    }
  }

  /** The canary's weight at step {@code index}: 1.0 means promotion. */
  public double step(int index) {
    return steps.get(index);
  }

  /** Whether the step at {@code index} is the promotion (weight 1.0), not a canary phase. */
  public boolean promotes(int index) {
    return steps.get(index) >= 1.0;
  }

  /**
   * A request body, checked: {@code {"version":5,"steps":[0.05,0.25,0.5,1.0],"minResults":200,
   * "maxStepSeconds":600,"gates":{...}}}; everything but {@code version} has a default.
   *
   * @throws IllegalArgumentException with a sentence for the caller
   */
  public static RolloutPlan fromRequest(JsonObject body) {
    Object version = body.getValue("version");
    if (!(version instanceof Number n)
        || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < 1
        || n.longValue() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("'version' must be a positive whole number");
    }
    List<Double> steps = new ArrayList<>();
    Object raw = body.getValue("steps");
    if (raw == null) {
      steps.addAll(DEFAULT_STEPS);
    } else if (raw instanceof JsonArray array && !array.isEmpty()) {
      for (Object step : array) {
        if (!(step instanceof Number s) || !(s.doubleValue() > 0 && s.doubleValue() <= 1)) {
          throw new IllegalArgumentException(
              "every step is a canary weight in (0, 1], got " + step);
        }
        if (!steps.isEmpty() && s.doubleValue() <= steps.get(steps.size() - 1)) {
          throw new IllegalArgumentException("steps must increase, got " + array.encode());
        }
        steps.add(s.doubleValue());
      }
    } else {
      throw new IllegalArgumentException(
          "'steps' must be a non-empty array of weights such as [0.05,0.25,0.5,1.0]");
    }
    Object gates = body.getValue("gates");
    if (gates != null && !(gates instanceof JsonObject)) {
      throw new IllegalArgumentException("'gates' must be an object");
    }
    return new RolloutPlan(
        n.intValue(),
        steps,
        (int) number(body, "minResults", DEFAULT_MIN_RESULTS, 1, 1_000_000),
        (int) number(body, "maxStepSeconds", DEFAULT_MAX_STEP_SECONDS, 10, 7 * 24 * 3600),
        Gates.fromJson((JsonObject) gates));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("version", version)
        .put("steps", new JsonArray(steps))
        .put("minResults", minResults)
        .put("maxStepSeconds", maxStepSeconds)
        .put("gates", gates.toJson());
  }

  static RolloutPlan fromJson(JsonObject json) {
    List<Double> steps = new ArrayList<>();
    json.getJsonArray("steps").forEach(s -> steps.add(((Number) s).doubleValue()));
    return new RolloutPlan(
        json.getInteger("version"),
        steps,
        json.getInteger("minResults"),
        json.getInteger("maxStepSeconds"),
        Gates.fromJson(json.getJsonObject("gates")));
  }

  private static double number(
      JsonObject json, String field, double fallback, double min, double max) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw new IllegalArgumentException(
          "'" + field + "' must be a number from " + min + " to " + max + ", got " + value);
    }
    return n.doubleValue();
  }
}
