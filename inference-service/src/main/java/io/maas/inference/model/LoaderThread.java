package io.maas.inference.model;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that loads and closes model versions, one at a time, beside the serving threads;
 * as an {@link Executor}, the closer of every {@link ServedModel}. Once a version serves, it runs
 * at the lowest CPU priority ({@link #intoBackground}).
 */
final class LoaderThread implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(LoaderThread.class);

  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "maas-model-loader");
            thread.setDaemon(true);
            return thread;
          });

  /** Whether the thread has gone to the background priority; read and set on that thread only. */
  private boolean background;

  /** Runs {@code work} on the loader thread; the future completes on the caller's context. */
  <T> Future<T> submit(Vertx vertx, Callable<T> work) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    try {
      executor.execute(
          () -> {
            try {
              T result = work.call();
              context.runOnContext(v -> promise.complete(result));
            } catch (Throwable e) {
              // an Error too (a native library that does not link): the model's next
              // deployment must not wait forever
              context.runOnContext(v -> promise.fail(e));
            }
          });
    } catch (RejectedExecutionException closed) {
      return Future.failedFuture(new IllegalStateException("the model manager is closed"));
    }
    return promise.future();
  }

  @Override
  public void execute(Runnable command) {
    executor.execute(command);
  }

  /**
   * On the loader thread, once a version serves: from then on loads and closes run at nice 19, on
   * the CPU that serving leaves idle. Not before: nothing competes with the first loads, and
   * TensorFlow starts its thread pools during the first one; threads inherit a nice value, and
   * those pools must not (with more than one intra-op thread, serving runs on them).
   */
  void intoBackground() {
    if (background) {
      return;
    }
    background = true;
    String notLowered = Niceness.lowerCurrentThread();
    if (notLowered == null) {
      LOG.info(
          "Versions load and close at nice {} from now on, beside the versions serving",
          Niceness.BACKGROUND);
    } else {
      LOG.warn(
          "Versions load at the serving threads' CPU priority ({}); only their pacing keeps a swap light",
          notLowered);
    }
  }

  /** Takes no more work and waits up to 30 s for what was given. */
  void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn(
            "Loading or closing a model version still runs after 30 s; shutting down without it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
