package io.maas.common.http;

/**
 * Every refusal a maas HTTP API answers with: an HTTP status and the stable snake_case code of
 * the error body {@code {"error":"<code>","message":"..."}} (the list in docs/CONTRACT.md). Handlers fail
 * with {@link #because(String)}; {@link ApiVerticle}'s failure handler answers. Like
 * {@code Reason} for dead letters: one list, no status numbers or codes scattered over handlers.
 */
public enum ApiError {
  INVALID_REQUEST(400, "invalid_request"),
  INVALID_JSON(400, "invalid_json"),
  INVALID_FIELD(400, "invalid_field"),
  MISSING_FIELD(400, "missing_field"),
  INVALID_MODEL(400, "invalid_model"),
  INVALID_VERSION(400, "invalid_version"),
  INVALID_METADATA(400, "invalid_metadata"),
  INVALID_UPLOAD(400, "invalid_upload"),
  INVALID_WINDOW(400, "invalid_window"),
  /** A write to a registry started without an admin token. */
  WRITES_DISABLED(401, "writes_disabled"),
  UNAUTHORIZED(401, "unauthorized"),
  UNKNOWN_MODEL(404, "unknown_model"),
  /** A version asked for by its URL that does not exist. */
  VERSION_NOT_FOUND(404, "unknown_version"),
  UNKNOWN_ROLLOUT(404, "unknown_rollout"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  /** A version named in a request's body that does not exist. */
  UNKNOWN_VERSION(409, "unknown_version"),
  DUPLICATE_ID(409, "duplicate_id"),
  NO_PREVIOUS_PRODUCTION(409, "no_previous_production"),
  NOT_DEPLOYED(409, "not_deployed"),
  ALREADY_PRODUCTION(409, "already_production"),
  ROLLOUT_RUNNING(409, "rollout_running"),
  ROLLOUT_ENDED(409, "rollout_ended"),
  CANARY_IN_USE(409, "canary_in_use"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  /** A model archive the registry's checks refuse; the code is the check's reason ({@code not_gzip}, ...). */
  MODEL_REFUSED(422, "model_refused"),
  OVERLOADED(429, "overloaded"),
  INTERNAL_ERROR(500, "internal_error"),
  NOT_IMPLEMENTED(501, "not_implemented"),
  NOT_READY(503, "not_ready"),
  KAFKA_UNAVAILABLE(503, "kafka_unavailable"),
  TIMEOUT(504, "timeout");

  private final int status;
  private final String code;

  ApiError(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The failure to fail a request with: {@code throw ApiError.UNKNOWN_MODEL.because("...")} or {@code ctx.fail(...)}. */
  public ApiException because(String message) {
    return new ApiException(this, code, message);
  }

  /** The error a status other handlers failed with maps to (a body handler's 413, a router's 404 or 405). */
  static ApiError ofStatus(int status) {
    return switch (status) {
      case 400 -> INVALID_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 503 -> NOT_READY;
      default -> INTERNAL_ERROR;
    };
  }
}
