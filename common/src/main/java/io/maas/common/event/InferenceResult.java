package io.maas.common.event;

import io.maas.common.profile.TextDescriptors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A prediction: the value of {@code maas.results.<model>} (or {@code maas.shadow.<model>}),
 * keyed by the request id.
 *
 * @param scores class name to probability, in the model's class order
 * @param batchSize how many requests shared the model call that produced this result
 * @param worker the inference instance that answered
 * @param descriptors cheap descriptors of the request's text, for the monitor's drift checks
 *                    (JSON {@code "descriptors"}); null when the producer of the result had none
 */
public record InferenceResult(
    String id,
    String model,
    int version,
    Role role,
    String label,
    Map<String, Double> scores,
    long ingestedAt,
    long completedAt,
    int batchSize,
    String worker,
    TextDescriptors descriptors) {

  public InferenceResult {
    Names.requireRequestId(id);
    Names.requireModel(model);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(label, "label");
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
  }

  /** A result without descriptors. */
  public InferenceResult(
      String id,
      String model,
      int version,
      Role role,
      String label,
      Map<String, Double> scores,
      long ingestedAt,
      long completedAt,
      int batchSize,
      String worker) {
    this(id, model, version, role, label, scores, ingestedAt, completedAt, batchSize, worker, null);
  }

  public static InferenceResult decode(byte[] bytes) {
    return fromJson(JsonFields.parseObject(bytes));
  }

  public static InferenceResult fromJson(JsonObject json) {
    JsonObject scoresJson = JsonFields.optionalObject(json, "scores");
    if (scoresJson == null) {
      throw new EventException(Reason.MISSING_FIELD, "field 'scores' is required");
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : scoresJson) {
      if (!(e.getValue() instanceof Number n)) {
        throw new EventException(
            Reason.INVALID_FIELD, "field 'scores." + e.getKey() + "' must be a number");
      }
      scores.put(e.getKey(), n.doubleValue());
    }
    JsonObject descriptors = JsonFields.optionalObject(json, "descriptors");
    return new InferenceResult(
        JsonFields.requireString(json, "id"),
        JsonFields.requireString(json, "model"),
        JsonFields.requirePositiveInt(json, "version"),
        Role.fromCode(JsonFields.requireString(json, "role")),
        JsonFields.requireString(json, "label"),
        scores,
        JsonFields.requireLong(json, "ingestedAt"),
        JsonFields.requireLong(json, "completedAt"),
        JsonFields.requirePositiveInt(json, "batchSize"),
        JsonFields.requireString(json, "worker"),
        descriptors == null ? null : descriptors(descriptors));
  }

  private static TextDescriptors descriptors(JsonObject json) {
    try {
      return TextDescriptors.fromJson(json);
    } catch (ClassCastException e) {
      throw new EventException(Reason.INVALID_FIELD, "field 'descriptors' must hold numbers");
    }
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("model", model)
            .put("version", version)
            .put("role", role.code())
            .put("label", label)
            .put("scores", new JsonObject(new LinkedHashMap<>(scores)))
            .put("ingestedAt", ingestedAt)
            .put("completedAt", completedAt)
            .put("batchSize", batchSize)
            .put("worker", worker);
    if (descriptors != null) {
      json.put("descriptors", descriptors.toJson());
    }
    return json;
  }

  public Buffer toBuffer() {
    return toJson().toBuffer();
  }
}
