package io.maas.inference.model;

import io.maas.common.event.Role;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One loaded version serving one role. Batches {@link #acquire()} it and {@link #release()} it
 * after their call; a retired version closes once the last in-flight batch has released it,
 * so a swap never pulls a model from under a running batch; then its {@code onClose} runs (the
 * manager drops the version's metric series there, after the last batch that could write them).
 * Closing runs on the {@code closer}, never on the thread that released or retired it last: that
 * is the model worker's or an event loop, and neither should wait for TensorFlow to free a session.
 */
public final class ServedModel {

  private final String model;
  private final int version;
  private final String sha256;
  private final List<String> classes;
  private final Set<String> vocabulary;
  private final Predictor predictor;
  private final Consumer<ServedModel> onClose;
  private final Executor closer;
  private int users;
  private boolean retired;
  private boolean closed;

  ServedModel(
      String model,
      int version,
      String sha256,
      List<String> classes,
      Set<String> vocabulary,
      Predictor predictor,
      Consumer<ServedModel> onClose,
      Executor closer) {
    this.model = model;
    this.version = version;
    this.sha256 = sha256;
    this.classes = List.copyOf(classes);
    this.vocabulary = vocabulary;
    this.predictor = predictor;
    this.onClose = onClose;
    this.closer = closer;
  }

  /** False when the version was retired meanwhile: read the slots again. */
  public synchronized boolean acquire() {
    if (retired) {
      return false;
    }
    users++;
    return true;
  }

  public synchronized void release() {
    users--;
    closeIfIdle();
  }

  synchronized void retire() {
    retired = true;
    closeIfIdle();
  }

  private void closeIfIdle() {
    if (retired && users == 0 && !closed) {
      closed = true;
      Runnable close =
          () -> {
            predictor.close();
            onClose.accept(this);
          };
      try {
        closer.execute(close);
      } catch (RejectedExecutionException shuttingDown) {
        close.run();
      }
    }
  }

  public float[][] predict(List<String> texts) {
    return predictor.predict(texts);
  }

  /** The path texts take to this version's model ({@link Predictor#preprocessing()}). */
  public io.maas.model.PreprocessingCheck preprocessing() {
    return predictor.preprocessing();
  }

  public String model() {
    return model;
  }

  public int version() {
    return version;
  }

  public String sha256() {
    return sha256;
  }

  public List<String> classes() {
    return classes;
  }

  /** The words the version was trained on, lower-cased; null when its artifact carries none. */
  public Set<String> vocabulary() {
    return vocabulary;
  }

  /** The slots of one model as the latest deployment wants them; swapped as a whole. */
  public record Slots(
      long revision,
      ServedModel production,
      ServedModel canary,
      double canaryWeight,
      ServedModel shadow) {

    /** The version serving a role, or null. */
    public ServedModel of(Role role) {
      return switch (role) {
        case PRODUCTION -> production;
        case CANARY -> canary;
        case SHADOW -> shadow;
      };
    }

    List<ServedModel> all() {
      return java.util.stream.Stream.of(production, canary, shadow)
          .filter(java.util.Objects::nonNull)
          .toList();
    }
  }
}
