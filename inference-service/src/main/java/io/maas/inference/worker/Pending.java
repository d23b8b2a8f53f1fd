package io.maas.inference.worker;

import io.maas.common.event.EventException;
import io.maas.common.event.InferenceRequest;
import io.maas.common.profile.TextDescriptors;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A request read from Kafka: decoded, or refused with a reason, and the state it was read in.
 *
 * @param epoch the consumer's rewind count when it was read: the worker drops a batch read before the last rewind
 * @param done marks the record done in the consumer's offset bookkeeping (its offset may then be committed);
 *     callable from any thread, a producer callback included
 * @param descriptors the text's descriptors against {@code vocabulary}, or null when not computed yet
 */
public record Pending(
    ConsumerRecord<String, byte[]> record,
    InferenceRequest request,
    EventException refused,
    long receivedNanos,
    long epoch,
    Runnable done,
    TextDescriptors descriptors,
    Set<String> vocabulary) {

  /** The text's descriptors against a version's vocabulary, computed here unless the consumer's thread did. */
  public TextDescriptors descriptors(Set<String> against) {
    return descriptors != null && against == vocabulary
        ? descriptors
        : TextDescriptors.of(request.text(), against);
  }
}
