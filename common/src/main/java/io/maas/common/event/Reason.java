package io.maas.common.event;

/**
 * Stable snake_case codes for every way a request can be rejected or fail. They appear in
 * dead letters ({@code reason}), HTTP error bodies and metric labels; never rename one.
 */
public enum Reason {
  /** The bytes are not a JSON object. */
  INVALID_JSON,
  /** The bytes are not valid UTF-8. */
  INVALID_UTF8,
  /** A required field is absent or null. */
  MISSING_FIELD,
  /** A field has the wrong type or an impossible value. */
  INVALID_FIELD,
  /** The request id is not 1-128 printable ASCII characters. */
  INVALID_ID,
  /** The model name does not match {@code [a-z0-9][a-z0-9-]{0,62}}. */
  INVALID_MODEL,
  /** The text is longer than the configured limit (bytes of UTF-8). */
  TEXT_TOO_LONG,
  /** The request names a model other than the one its topic or URL is for. */
  MODEL_MISMATCH,
  /** No deployment exists for the model. */
  UNKNOWN_MODEL,
  /** The pinned version is not served. */
  UNKNOWN_VERSION,
  /** The model failed on this item (isolated from its batch). */
  MODEL_FAILURE;

  /** The code as it appears on the wire. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
