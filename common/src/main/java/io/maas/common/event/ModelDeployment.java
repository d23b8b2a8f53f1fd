package io.maas.common.event;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The desired state of one model: the value of the compacted topic {@code maas.models}, keyed
 * by model name. A higher {@link #revision()} replaces a lower one.
 *
 * @param production the version that answers by default; null before the first deployment
 * @param canary     a version that answers a share ({@link Slot#weight()}) of requests, or null
 * @param shadow     a version that sees every request but whose answers go to
 *                   {@code maas.shadow.<model>}, or null
 * @param rollout    the progressive rollout that made this revision, or null: there for the
 *                   monitor and people, serving ignores it
 */
public record ModelDeployment(
    String model,
    long revision,
    Slot production,
    Slot canary,
    Slot shadow,
    long updatedAt,
    RolloutMark rollout) {

  /** A revision made by hand (not by a rollout). */
  public ModelDeployment(
      String model, long revision, Slot production, Slot canary, Slot shadow, long updatedAt) {
    this(model, revision, production, canary, shadow, updatedAt, null);
  }

  public ModelDeployment {
    Names.requireModel(model);
    if (revision < 1) {
      throw new EventException(
          Reason.INVALID_FIELD, "field 'revision' must be a positive whole number");
    }
    if (canary != null
        && (canary.weight() == null || canary.weight() <= 0 || canary.weight() >= 1)) {
      throw new EventException(
          Reason.INVALID_FIELD, "field 'canary.weight' must be between 0 and 1, exclusive");
    }
  }

  /**
   * One deployed version.
   *
   * @param artifact the URL the artifact downloads from
   * @param sha256   the artifact's digest, checked after download
   * @param weight   the canary's share of traffic; null for production and shadow
   */
  public record Slot(int version, String artifact, String sha256, Double weight) {

    public Slot {
      if (version < 1) {
        throw new EventException(
            Reason.INVALID_FIELD, "a deployed version must be a positive whole number");
      }
      if (artifact == null || sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
        throw new EventException(
            Reason.INVALID_FIELD,
            "a deployed version needs an artifact URL and a sha256 hex digest");
      }
    }

    static Slot fromJson(JsonObject json) {
      if (json == null) {
        return null;
      }
      Object weight = json.getValue("weight");
      if (weight != null && !(weight instanceof Number)) {
        throw new EventException(Reason.INVALID_FIELD, "field 'weight' must be a number");
      }
      return new Slot(
          JsonFields.requirePositiveInt(json, "version"),
          JsonFields.requireString(json, "artifact"),
          JsonFields.requireString(json, "sha256"),
          weight == null ? null : ((Number) weight).doubleValue());
    }

    JsonObject toJson() {
      JsonObject json =
          new JsonObject().put("version", version).put("artifact", artifact).put("sha256", sha256);
      if (weight != null) {
        json.put("weight", weight);
      }
      return json;
    }
  }

  /**
   * Where a registry rollout stood when it made a revision.
   *
   * @param id     the rollout's id, per model
   * @param state  {@code running}, {@code promoted}, {@code rolled_back} or {@code aborted}
   * @param step   the canary's weight at this step (1.0 once promoted)
   * @param number the step's number, from 1
   * @param steps  how many steps the rollout has
   * @param reason why it rolled back or was aborted, else null
   */
  public record RolloutMark(
      int id, int version, String state, double step, int number, int steps, String reason) {

    static RolloutMark fromJson(JsonObject json) {
      if (json == null) {
        return null;
      }
      Object step = json.getValue("step");
      return new RolloutMark(
          JsonFields.requirePositiveInt(json, "id"),
          JsonFields.requirePositiveInt(json, "version"),
          JsonFields.requireString(json, "state"),
          step instanceof Number n ? n.doubleValue() : 0,
          JsonFields.requirePositiveInt(json, "number"),
          JsonFields.requirePositiveInt(json, "steps"),
          JsonFields.optionalString(json, "reason"));
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("version", version)
          .put("state", state)
          .put("step", step)
          .put("number", number)
          .put("steps", steps)
          .put("reason", reason);
    }
  }

  public static ModelDeployment decode(byte[] bytes) {
    return fromJson(JsonFields.parseObject(bytes));
  }

  public static ModelDeployment fromJson(JsonObject json) {
    return new ModelDeployment(
        JsonFields.requireString(json, "model"),
        JsonFields.requireLong(json, "revision"),
        Slot.fromJson(JsonFields.optionalObject(json, "production")),
        Slot.fromJson(JsonFields.optionalObject(json, "canary")),
        Slot.fromJson(JsonFields.optionalObject(json, "shadow")),
        JsonFields.requireLong(json, "updatedAt"),
        RolloutMark.fromJson(JsonFields.optionalObject(json, "rollout")));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("model", model)
        .put("revision", revision)
        .put("production", production == null ? null : production.toJson())
        .put("canary", canary == null ? null : canary.toJson())
        .put("shadow", shadow == null ? null : shadow.toJson())
        .put("updatedAt", updatedAt)
        .put("rollout", rollout == null ? null : rollout.toJson());
  }

  public Buffer toBuffer() {
    return toJson().toBuffer();
  }
}
