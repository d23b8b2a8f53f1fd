package io.maas.common.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** A request refused with an {@link ApiError}: what {@link ApiVerticle}'s failure handler answers. */
public final class ApiException extends RuntimeException {

  private final ApiError error;
  private final String code;
  private final Map<String, String> headers = new LinkedHashMap<>();

  ApiException(ApiError error, String code, String message) {
    super(message, null, false, false);
    this.error = error;
    this.code = code;
  }

  public ApiError error() {
    return error;
  }

  /** The body's {@code error}: the {@link ApiError}'s code, or a finer one ({@link #withCode}). */
  public String code() {
    return code;
  }

  /** The same refusal with a finer code, such as the reason an archive check gave. */
  public ApiException withCode(String finer) {
    ApiException e = new ApiException(error, finer, getMessage());
    e.headers.putAll(headers);
    return e;
  }

  /** A header the answer carries ({@code Retry-After}, {@code WWW-Authenticate}, {@code Connection}). */
  public ApiException withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
