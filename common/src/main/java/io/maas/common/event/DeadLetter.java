package io.maas.common.event;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A rejected or failed request: the value of {@code maas.dlq}, keyed by the request id when
 * one is known.
 *
 * @param id              the request id, or null when the input had none
 * @param model           the model, or null when unknown
 * @param stage           where it failed: {@code ingest}, {@code inference}, ...
 * @param reason          a stable code, see {@link Reason}
 * @param error           a sentence for people
 * @param payload         the original bytes, cut to {@link #MAX_PAYLOAD_BYTES}
 * @param payloadEncoding {@code utf-8}, or {@code base64} when the bytes are not valid UTF-8
 * @param payloadTruncated whether the payload was cut
 * @param failedAt        epoch milliseconds
 * @param version         the model version that failed on the request, or null when no version is to blame
 *                        (ingest's rejections); the monitor counts a version's errors by it
 */
public record DeadLetter(
    String id,
    String model,
    String stage,
    String reason,
    String error,
    String payload,
    String payloadEncoding,
    boolean payloadTruncated,
    long failedAt,
    Integer version) {

  /** Payloads are cut to 64 KiB. */
  public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

  public DeadLetter {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(payloadEncoding, "payloadEncoding");
  }

  /** A dead letter holding the original bytes: text when they are UTF-8, else base64. */
  public static DeadLetter of(
      String id,
      String model,
      String stage,
      Reason reason,
      String error,
      byte[] original,
      long failedAt) {
    byte[] bytes = original == null ? new byte[0] : original;
    boolean truncated = bytes.length > MAX_PAYLOAD_BYTES;
    String payload;
    String encoding;
    try {
      String text = JsonFields.utf8(bytes);
      encoding = "utf-8";
      payload = truncated ? cutUtf8(text) : text;
    } catch (EventException notUtf8) {
      encoding = "base64";
      byte[] cut = truncated ? java.util.Arrays.copyOf(bytes, MAX_PAYLOAD_BYTES) : bytes;
      payload = Base64.getEncoder().encodeToString(cut);
    }
    return new DeadLetter(
        id, model, stage, reason.code(), error, payload, encoding, truncated, failedAt, null);
  }

  /** The same dead letter, blamed on a model version. */
  public DeadLetter withVersion(int version) {
    return new DeadLetter(
        id,
        model,
        stage,
        reason,
        error,
        payload,
        payloadEncoding,
        payloadTruncated,
        failedAt,
        version);
  }

  /** The longest prefix of whole characters within {@link #MAX_PAYLOAD_BYTES} bytes. */
  private static String cutUtf8(String text) {
    int bytes = 0;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > MAX_PAYLOAD_BYTES) {
        break;
      }
      bytes += size;
      i += Character.charCount(cp);
    }
    return text.substring(0, i);
  }

  /** The payload as the original bytes (possibly cut). */
  public byte[] payloadBytes() {
    return "base64".equals(payloadEncoding)
        ? Base64.getDecoder().decode(payload)
        : payload.getBytes(StandardCharsets.UTF_8);
  }

  public static DeadLetter decode(byte[] bytes) {
    return fromJson(JsonFields.parseObject(bytes));
  }

  public static DeadLetter fromJson(JsonObject json) {
    String encoding = JsonFields.optionalString(json, "payloadEncoding");
    Object truncated = json.getValue("payloadTruncated");
    return new DeadLetter(
        JsonFields.optionalString(json, "id"),
        JsonFields.optionalString(json, "model"),
        JsonFields.requireString(json, "stage"),
        JsonFields.requireString(json, "reason"),
        JsonFields.optionalString(json, "error"),
        JsonFields.optionalString(json, "payload"),
        encoding == null ? "utf-8" : encoding,
        Boolean.TRUE.equals(truncated),
        JsonFields.requireLong(json, "failedAt"),
        json.getValue("version") instanceof Number n && n.intValue() > 0 ? n.intValue() : null);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("model", model)
        .put("stage", stage)
        .put("reason", reason)
        .put("error", error)
        .put("payload", payload)
        .put("payloadEncoding", payloadEncoding)
        .put("payloadTruncated", payloadTruncated)
        .put("failedAt", failedAt)
        .put("version", version);
  }

  public Buffer toBuffer() {
    return toJson().toBuffer();
  }
}
