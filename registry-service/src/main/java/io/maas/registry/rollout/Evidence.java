package io.maas.registry.rollout;

import io.vertx.core.json.JsonObject;

/**
 * What the monitor saw of one version over a window: the part of a version in its
 * {@code GET /v1/summary} that the gates read.
 *
 * @param results    answers on {@code maas.results}
 * @param errors     the version's dead letters (it failed on the request)
 * @param p99Ms      e2e latency p99, or NaN without results
 * @param compared   answers compared with production's for the same requests
 * @param agreement  the share of those that agreed, or NaN when none was compared
 * @param drifted    whether the monitor judged its inputs or outputs drifted
 */
public record Evidence(
    long results, long errors, double p99Ms, long compared, double agreement, boolean drifted) {

  public static final Evidence NONE = new Evidence(0, 0, Double.NaN, 0, Double.NaN, false);

  /** Answers of any kind: results and dead letters. */
  public long answered() {
    return results + errors;
  }

  /** The share of answers that were dead letters; 0 without answers. */
  public double errorRate() {
    return answered() == 0 ? 0 : errors / (double) answered();
  }

  /** One version of the monitor's summary; {@link #NONE} when the monitor has nothing of it. */
  public static Evidence fromSummary(JsonObject version) {
    if (version == null) {
      return NONE;
    }
    long errors = 0;
    JsonObject deadLetters = version.getJsonObject("deadLetters");
    if (deadLetters != null) {
      for (String reason : deadLetters.fieldNames()) {
        errors += ((Number) deadLetters.getValue(reason)).longValue();
      }
    }
    JsonObject latency = version.getJsonObject("latencyMs");
    JsonObject agreement = version.getJsonObject("agreement");
    JsonObject drift = version.getJsonObject("drift");
    return new Evidence(
        version.getLong("results", 0L),
        errors,
        latency == null || latency.getValue("p99") == null ? Double.NaN : latency.getDouble("p99"),
        agreement == null ? 0 : agreement.getLong("compared", 0L),
        agreement == null || agreement.getValue("rate") == null
            ? Double.NaN
            : agreement.getDouble("rate"),
        drift != null && Boolean.TRUE.equals(drift.getBoolean("drifted")));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("results", results)
        .put("errors", errors)
        .put("p99Ms", Double.isNaN(p99Ms) ? null : p99Ms)
        .put("compared", compared)
        .put(
            "agreement", Double.isNaN(agreement) ? null : Math.round(agreement * 10_000) / 10_000.0)
        .put("drifted", drifted);
  }
}
