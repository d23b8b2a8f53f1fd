package io.maas.ingest.body;

/** A body holds more items than {@code MAAS_INGEST_MAX_ITEMS} allows; answered with 413. */
public final class TooManyItemsException extends RuntimeException {

  public TooManyItemsException(String message) {
    super(message);
  }
}
