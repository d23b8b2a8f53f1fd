package io.maas.inference.worker;

import io.maas.inference.model.Batcher;
import io.maas.inference.model.ModelManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model side of the pipeline, on its own thread: takes batches from the {@link Batcher}, has
 * the {@link BatchRunner} route and classify them, and hands the outputs to the {@link ResultSink}
 * of the delivery mode, which sends them without waiting, so that the next batch starts while the
 * broker acknowledges the last one: at-least-once marks a batch's records done once every output
 * is acknowledged, exactly-once keeps a transaction open across batches ({@code kafka.AtLeastOnceSink},
 * {@code kafka.TransactionalSink}).
 *
 * <p>A failure (a send refused, a transaction that did not commit) stops the worker from taking
 * batches until the consumer's thread has rewound to what is durable and called {@link #recover};
 * {@link #exclusive} runs such work while no batch is in progress: a batch, and every call into
 * the sink, happens under {@link #lock}. A batch read before the consumer's last rewind (an older
 * epoch) is dropped, not run.
 */
public final class ModelWorker {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWorker.class);

  /** How long to wait for a batch while the sink holds nothing open. */
  private static final long IDLE_WAIT_MILLIS = 100;

  private final ModelManager models;
  private final Batcher<Pending> batcher;
  private final BatchRunner runner;
  private final LongSupplier epoch;
  private final Thread thread;

  /** Held for a whole batch and for {@link #exclusive} work. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Guarded by {@link #lock}: sends, commits and aborts run under it; only {@link #waitMillis} reads its timing without. */
  private final ResultSink sink;

  private volatile boolean running = true;

  /** Set from any thread (a producer callback too) by {@link #fail}, cleared under {@link #lock} by {@link #recover}. */
  private volatile Exception failure;

  /**
   * @param worker this instance's name, written into every result
   * @param sink builds the delivery mode's sink around the worker's failure handler ({@link #fail})
   * @param epoch the consumer's rewind count: batches read before the current one are dropped
   */
  public ModelWorker(
      ModelManager models,
      Batcher<Pending> batcher,
      String worker,
      Function<Consumer<Exception>, ResultSink> sink,
      LongSupplier epoch) {
    this.models = models;
    this.batcher = batcher;
    this.runner = new BatchRunner(models::slots, worker);
    this.sink = sink.apply(this::fail);
    this.epoch = epoch;
    this.thread = new Thread(this::loop, "maas-inference-worker");
  }

  public void start() {
    thread.start();
  }

  /** Finishes the batch in progress and stops; what it left open is settled with {@link #exclusive} after. */
  public void stop() {
    running = false;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean alive() {
    return thread.isAlive();
  }

  /** The failure that stopped batches, or null. */
  public Exception failure() {
    return failure;
  }

  /** Runs {@code action} while no batch is in progress. */
  public void exclusive(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  /** Commits what the sink holds open, or aborts it after a failure (with {@link #exclusive}). */
  public void finishOpen() {
    sink.finish(failure != null);
  }

  /** Aborts what the sink holds open, if anything (with {@link #exclusive}). */
  public void abortOpen() {
    sink.abort();
  }

  /** Takes batches again, after the consumer's side rewound (with {@link #exclusive}). */
  public void recover() {
    failure = null;
  }

  /** Stops batches until {@link #recover}: what was sent since the last durable point is read again. Any thread. */
  private void fail(Exception e) {
    if (failure == null) {
      LOG.warn(
          "Results could not be made durable ({}); reading again from the last committed offsets",
          e.toString());
      failure = e;
    }
  }

  private void loop() {
    while (running) {
      Batcher.Batch<Pending> batch;
      try {
        batch = batcher.take(this::servable, waitMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      lock.lock();
      try {
        long current = epoch.getAsLong();
        if (batch != null
            && failure == null
            && batch.items().stream().allMatch(p -> p.epoch() == current)) {
          List<ProducerRecord<String, byte[]>> out = runner.run(batch.model(), batch.items());
          sink.send(batch.items(), out);
        }
        if (sink.open() && (failure != null || sink.untilDueMillis() == 0)) {
          finishOpen();
        }
      } catch (RuntimeException e) {
        fail(e);
      } finally {
        lock.unlock();
      }
    }
  }

  /** How long to wait for the next batch: until what the sink holds open is due. */
  private long waitMillis() {
    // read without the lock, as before the split: a
    // stale answer only shortens or lengthens one wait
    return sink.open() ? sink.untilDueMillis() : IDLE_WAIT_MILLIS;
  }

  private boolean servable(String model) {
    return failure == null && models.slots(model) != null;
  }
}
