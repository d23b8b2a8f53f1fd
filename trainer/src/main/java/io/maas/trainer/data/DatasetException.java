package io.maas.trainer.data;

/** A dataset cannot be read or is malformed; the message names the file (and line). */
public final class DatasetException extends RuntimeException {

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
