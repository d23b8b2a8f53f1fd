package io.maas.inference.model;

import java.util.Locale;

/** Where the load of one model version stands, as {@code GET /v1/status} shows it. */
public enum LoadState {
  /** Downloading, loading or warming up, on the loader thread. */
  LOADING,
  /** Loaded and warmed up: serving, or about to once the rest of its revision is. */
  READY,
  /** Its download, checksum, unpacking, TensorFlow load or warm-up failed; the revision does not serve. */
  FAILED;

  /** The name in the status API: {@code loading}, {@code ready}, {@code failed}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
