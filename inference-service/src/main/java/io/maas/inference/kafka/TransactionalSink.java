package io.maas.inference.kafka;

import io.maas.inference.worker.Pending;
import io.maas.inference.worker.ResultSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once delivery, and the one owner of the producer's transaction state (as Kafka Streams'
 * {@code StreamsProducer}): outputs go into a Kafka transaction that spans batches and commits,
 * with the consumed offsets, once it has been open {@value #TRANSACTION_MILLIS} ms. A commit takes
 * several round trips to the broker, and one per batch held the worker back under load;
 * read-committed readers wait that much longer. A batch's records are marked done once its
 * transaction has committed: the consumer's lag counts them until then.
 *
 * <p>A commit or an abort that times out (the broker is gone longer than {@code max.block.ms}) may
 * still complete, and Kafka's producer takes no other transactional call until the same one is
 * made again: it is retried before the next transaction begins, so that the worker does not refuse
 * every transaction once the broker is back. A fenced producer is reported as one typed exception,
 * {@link TransactionFencedException}, whichever call noticed it.
 *
 * <p>Not thread-safe: the model worker calls it under its lock ({@link io.maas.inference.worker.ModelWorker#exclusive}).
 */
final class TransactionalSink implements ResultSink {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalSink.class);

  static final long TRANSACTION_MILLIS = 20;

  private enum Ending {
    COMMIT,
    ABORT
  }

  private final Producer<String, byte[]> producer;
  private final String transactionalId;
  private final Supplier<ConsumerGroupMetadata> groupMetadata;
  private final Consumer<Exception> failed;
  private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  private final List<Runnable> marks = new ArrayList<>();

  /** When the open transaction began ({@link System#nanoTime}); -1 when none is open. */
  private long started = -1;

  /** A commit or abort that timed out, to be retried before anything else; null when none. */
  private Ending unfinished;

  private TransactionFencedException lost;

  /**
   * @param producer initialised for transactions
   * @param groupMetadata the consumer's group metadata, sent with the offsets
   * @param failed told of a transaction that did not commit
   */
  TransactionalSink(
      Producer<String, byte[]> producer,
      String transactionalId,
      Supplier<ConsumerGroupMetadata> groupMetadata,
      Consumer<Exception> failed) {
    this.producer = producer;
    this.transactionalId = transactionalId;
    this.groupMetadata = groupMetadata;
    this.failed = failed;
  }

  @Override
  public void send(List<Pending> batch, List<ProducerRecord<String, byte[]>> outputs) {
    if (lost != null) {
      // nothing more goes through this producer: the pipeline starts over with a new one
      throw lost;
    }
    try {
      if (started < 0) {
        finishUnfinished();
        producer.beginTransaction();
        started = System.nanoTime();
      }
      outputs.forEach(producer::send);
    } catch (ProducerFencedException e) {
      throw new TransactionFencedException(transactionalId, e);
    }
    for (Pending p : batch) {
      offsets.merge(
          new TopicPartition(p.record().topic(), p.record().partition()),
          new OffsetAndMetadata(p.record().offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
      marks.add(p.done());
    }
  }

  @Override
  public boolean open() {
    return started >= 0;
  }

  @Override
  public long untilDueMillis() {
    long began = started;
    if (began < 0) {
      return 0;
    }
    return Math.max(
        0, TRANSACTION_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
  }

  @Override
  public void finish(boolean failed) {
    if (started < 0) {
      return;
    }
    if (failed) {
      abort();
    } else {
      commit();
    }
  }

  private void commit() {
    try {
      producer.sendOffsetsToTransaction(offsets, groupMetadata.get());
    } catch (RuntimeException e) {
      failed.accept(typed(e));
      abort();
      return;
    }
    try {
      producer.commitTransaction();
    } catch (TimeoutException e) {
      // It may still commit: the consumer's side reads the
      // committed offsets again once the outcome is known.
      unfinished = Ending.COMMIT;
      drop();
      failed.accept(e);
      return;
    } catch (RuntimeException e) {
      failed.accept(typed(e));
      abort();
      return;
    }
    marks.forEach(Runnable::run);
    drop();
  }

  @Override
  public void abort() {
    if (started < 0) {
      return;
    }
    drop();
    try {
      producer.abortTransaction();
    } catch (TimeoutException e) {
      unfinished = Ending.ABORT;
      LOG.warn(
          "Aborting the transaction timed out ({}); the abort is retried before the next transaction",
          e.getMessage());
    } catch (RuntimeException e) {
      // An abort clears an abortable error; one that fails leaves the producer in a fatal state,
      // where every later call fails at once: only a new producer gets out of it.
      LOG.warn("Aborting the transaction failed: {}; a new producer takes over", e.toString());
      // The next send throws it, after the pipeline read again from the committed offsets.
      lost =
          e instanceof ProducerFencedException fenced
              ? new TransactionFencedException(transactionalId, fenced)
              : new TransactionFencedException(transactionalId, e);
    }
  }

  private void drop() {
    offsets.clear();
    marks.clear();
    started = -1;
  }

  /** Makes the commit or abort that timed out again; throws while Kafka still does not answer. */
  private void finishUnfinished() {
    if (unfinished == null) {
      return;
    }
    Ending ending = unfinished;
    try {
      if (ending == Ending.COMMIT) {
        producer.commitTransaction();
      } else {
        producer.abortTransaction();
      }
    } catch (TimeoutException e) {
      throw e;
    } catch (RuntimeException e) {
      // The outcome is known now, a failure: a failed commit is aborted next (which clears an
      // abortable error, and fails at once on a fenced producer); a failed abort is not retried.
      unfinished = ending == Ending.COMMIT ? Ending.ABORT : null;
      throw e;
    }
    unfinished = null;
    LOG.info(
        "The transaction's {} that had timed out went through when made again",
        ending.name().toLowerCase(Locale.ROOT));
  }

  private RuntimeException typed(RuntimeException e) {
    return e instanceof ProducerFencedException fenced
        ? new TransactionFencedException(transactionalId, fenced)
        : e;
  }
}
