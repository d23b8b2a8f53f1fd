package io.maas.model;

/**
 * A model archive or SavedModel is unusable. {@link #reason()} is a stable snake_case code
 * (the registry answers 422 with it; inference logs it and keeps the old version serving).
 */
public final class ModelException extends RuntimeException {

  private final String reason;

  public ModelException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ModelException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
