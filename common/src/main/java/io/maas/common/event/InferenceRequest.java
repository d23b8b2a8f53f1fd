package io.maas.common.event;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A text to classify: the value of {@code maas.requests.<model>}, keyed by {@link #id()}.
 *
 * @param id         1-128 printable ASCII characters
 * @param model      the model name
 * @param text       the text, at most {@link Defaults#maxTextBytes()} bytes of UTF-8
 * @param ingestedAt epoch milliseconds when maas (or the producer) took the request
 * @param version    a pinned model version, or null for whatever the deployment routes to
 * @param attributes free string attributes, passed through untouched
 */
public record InferenceRequest(
    String id,
    String model,
    String text,
    long ingestedAt,
    Integer version,
    Map<String, String> attributes) {

  /** Default limit on {@code text}: 1 MiB of UTF-8. */
  public static final int DEFAULT_MAX_TEXT_BYTES = 1 << 20;

  public InferenceRequest {
    Names.requireRequestId(id);
    Names.requireModel(model);
    Objects.requireNonNull(text, "text");
    if (version != null && version < 1) {
      throw new EventException(
          Reason.INVALID_FIELD, "field 'version' must be a positive whole number");
    }
    attributes =
        attributes == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * What decoding fills in when the event leaves it out, and the text limit.
   *
   * @param model        the model of the topic or URL; a request naming another model is refused
   * @param id           supplies an id when absent (ingest generates one; a Kafka record's key
   *                     stands in); null makes the id required
   * @param ingestedAt   stands in for a missing {@code ingestedAt} (now, or the record timestamp)
   * @param maxTextBytes the longest text accepted, in bytes of UTF-8
   */
  public record Defaults(String model, Supplier<String> id, long ingestedAt, int maxTextBytes) {}

  public static InferenceRequest decode(byte[] bytes, Defaults defaults) {
    return fromJson(JsonFields.parseObject(bytes), defaults);
  }

  public static InferenceRequest fromJson(JsonObject json, Defaults defaults) {
    String id = JsonFields.optionalString(json, "id");
    if (id == null && defaults.id() != null) {
      id = defaults.id().get();
    }
    if (id == null) {
      throw new EventException(Reason.MISSING_FIELD, "field 'id' is required");
    }
    Names.requireRequestId(id);
    String model = JsonFields.optionalString(json, "model");
    if (model == null) {
      model = defaults.model();
    } else if (defaults.model() != null && !defaults.model().equals(model)) {
      throw new EventException(
          Reason.MODEL_MISMATCH,
          "request names model '" + model + "' but was sent for model '" + defaults.model() + "'");
    }
    if (model == null) {
      throw new EventException(Reason.MISSING_FIELD, "field 'model' is required");
    }
    String text = JsonFields.requireString(json, "text");
    int length = utf8Length(text);
    if (length > defaults.maxTextBytes()) {
      throw new EventException(
          Reason.TEXT_TOO_LONG,
          "text is " + length + " bytes of UTF-8, the limit is " + defaults.maxTextBytes());
    }
    Long ingestedAt = JsonFields.optionalLong(json, "ingestedAt");
    Long version = JsonFields.optionalLong(json, "version");
    if (version != null && (version < 1 || version > Integer.MAX_VALUE)) {
      throw new EventException(
          Reason.INVALID_FIELD, "field 'version' must be a positive whole number");
    }
    return new InferenceRequest(
        id,
        model,
        text,
        ingestedAt == null ? defaults.ingestedAt() : ingestedAt,
        version == null ? null : version.intValue(),
        JsonFields.stringMap(json, "attributes"));
  }

  public InferenceRequest withIngestedAt(long at) {
    return new InferenceRequest(id, model, text, at, version, attributes);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("model", model)
        .put("text", text)
        .put("ingestedAt", ingestedAt)
        .put("version", version)
        .put("attributes", new JsonObject(new LinkedHashMap<>(attributes)));
  }

  public Buffer toBuffer() {
    return toJson().toBuffer();
  }

  /** Bytes of UTF-8 without encoding the string. */
  public static int utf8Length(CharSequence s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
