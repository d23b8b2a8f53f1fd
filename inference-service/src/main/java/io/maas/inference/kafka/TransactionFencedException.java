package io.maas.inference.kafka;

import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The pipeline's transactional producer is of no further use; the pipeline starts over with a new
 * one, which takes the transactional id back (and aborts what the old one left open). Either the id
 * was fenced: by the coordinator after a transaction outlived {@code transaction.timeout.ms} (a
 * broker outage), or by another instance with the same id; or the producer is in a fatal error
 * state: it could not even abort (an invalid transaction state after a broker restart, for one).
 */
final class TransactionFencedException extends IllegalStateException {

  TransactionFencedException(String transactionalId, ProducerFencedException cause) {
    super(
        "the transactional id "
            + transactionalId
            + " was fenced: by the coordinator after a transaction outlived its"
            + " timeout, or by another instance (each needs its own MAAS_INFERENCE_WORKER)",
        cause);
  }

  /** The producer could not abort: it is in a fatal error state. */
  TransactionFencedException(String transactionalId, RuntimeException abortFailure) {
    super(
        "the transactional producer "
            + transactionalId
            + " could not abort its transaction ("
            + abortFailure.getMessage()
            + "); a new producer takes the id over",
        abortFailure);
  }
}
