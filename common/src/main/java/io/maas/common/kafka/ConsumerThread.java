package io.maas.common.kafka;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * A plain Kafka consumer loop on its own thread, for the places where the Vert.x client does
 * not fit (blocking TensorFlow calls, transactions, group-less followers). Subclasses create
 * their consumer in {@link #run()}, {@link #attach} it, and loop while {@link #running()};
 * {@link #close()} stops the loop by waking the consumer up and waits for the thread.
 */
public abstract class ConsumerThread implements AutoCloseable {

  private final Thread thread;
  private final long joinMillis;
  private volatile boolean running = true;
  private volatile KafkaConsumer<?, ?> consumer;

  /**
   * @param name       the thread's name, as thread dumps show it
   * @param daemon     whether the thread may be abandoned when the JVM exits
   * @param joinMillis how long {@link #close()} waits for the loop to end
   */
  protected ConsumerThread(String name, boolean daemon, long joinMillis) {
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(daemon);
    this.joinMillis = joinMillis;
  }

  /** The loop; ends when {@link #running()} turns false or the consumer is woken up. */
  protected abstract void run();

  public void start() {
    thread.start();
  }

  /** Makes {@link #close()} able to interrupt a blocking call of this consumer. */
  protected final void attach(KafkaConsumer<?, ?> consumer) {
    this.consumer = consumer;
  }

  protected final boolean running() {
    return running;
  }

  /** Ends the loop at its next check, from the loop itself. */
  protected final void stopRunning() {
    running = false;
  }

  /** One attempt at following: creates its consumer, attaches it and loops while {@link #running()}. */
  @FunctionalInterface
  protected interface Attempt {
    void run() throws InterruptedException;
  }

  /**
   * Runs {@code attempt} until the loop is stopped. An attempt that fails (a broker gone for
   * longer than a client call waits, at start or later) is logged and made again after 1 s,
   * doubling up to 30 s: a follower must not end, silently, while its service runs on.
   *
   * @param what what the loop does, for the log ("following maas.models")
   */
  protected final void untilStopped(String what, Logger log, Attempt attempt) {
    long backoff = FIRST_BACKOFF_MILLIS;
    while (running) {
      long started = System.nanoTime();
      try {
        attempt.run();
        return;
      } catch (WakeupException | InterruptException e) {
        return; // closing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        if (System.nanoTime() - started > java.util.concurrent.TimeUnit.MINUTES.toNanos(1)) {
          backoff = FIRST_BACKOFF_MILLIS;
        }
        log.warn("{} failed ({}); trying again in {} s", what, e.toString(), backoff / 1000);
        log.debug("{} failed", what, e);
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }
  }

  private static final long FIRST_BACKOFF_MILLIS = 1_000;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  /** Whether the loop's thread is still alive. */
  protected final boolean alive() {
    return thread.isAlive();
  }

  /** Stops the loop and waits for it. Blocks: call from a worker thread. */
  @Override
  public void close() {
    running = false;
    KafkaConsumer<?, ?> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(joinMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
