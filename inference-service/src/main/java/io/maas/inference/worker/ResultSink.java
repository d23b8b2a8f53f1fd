package io.maas.inference.worker;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a batch's outputs go, one implementation per delivery mode. Called by the model worker's
 * thread while it holds its lock, or by another thread through {@link ModelWorker#exclusive}:
 * never by two at once. A send failure that shows later (a producer callback) is reported to the
 * failure handler the sink was built with, from whichever thread notices it.
 */
public interface ResultSink {

  /**
   * Sends one batch's outputs without waiting for them; the batch's records are marked
   * {@linkplain Pending#done() done} once the outputs are durable.
   */
  void send(List<Pending> batch, List<ProducerRecord<String, byte[]>> outputs);

  /** Whether sent outputs are held open (a transaction) until {@link #finish}. */
  boolean open();

  /** While {@link #open()}: how long the outputs may stay open before {@link #finish}; 0 when due. */
  long untilDueMillis();

  /** Makes the open outputs durable (commits), or with {@code failed} drops them (aborts); nothing when none is open. */
  void finish(boolean failed);

  /** Drops the open outputs, if any (aborts), after the records were read again or lost. */
  void abort();
}
