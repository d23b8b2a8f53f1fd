package io.maas.inference.kafka;

import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The pipeline's transactional id was fenced: by the coordinator after a transaction outlived
 * {@code transaction.timeout.ms} (a broker outage), or by another instance with the same id. The
 * producer is of no further use; the pipeline starts over with a new one, which takes the id back.
 */
final class TransactionFencedException extends IllegalStateException {

  TransactionFencedException(String transactionalId, ProducerFencedException cause) {
    super("the transactional id " + transactionalId + " was fenced: by the coordinator after a transaction outlived its"
        + " timeout, or by another instance (each needs its own MAAS_INFERENCE_WORKER)", cause);
  }
}
