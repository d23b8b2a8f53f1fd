package io.maas.common.event;

/** An event could not be decoded or failed validation; {@link #reason()} is the stable code. */
public final class EventException extends RuntimeException {

  private final Reason reason;

  public EventException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
