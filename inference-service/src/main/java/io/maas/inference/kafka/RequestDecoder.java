package io.maas.inference.kafka;

import io.maas.common.event.EventException;
import io.maas.common.event.InferenceRequest;
import io.maas.common.kafka.Topics;
import io.maas.common.profile.TextDescriptors;
import io.maas.inference.model.ModelManager;
import io.maas.inference.model.ServedModel;
import io.maas.inference.worker.Pending;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Decodes what a poll brought into {@link Pending} requests per model, in offset order, and tracks
 * each record in the {@link OffsetTracker}. The text's descriptors against the production
 * version's vocabulary are computed here, beside the decoding, rather than on the model's thread,
 * which is the one that limits throughput. On the consumer's thread only.
 */
final class RequestDecoder {

  private final ModelManager models;
  private final OffsetTracker offsets;
  private final int maxTextBytes;

  RequestDecoder(ModelManager models, OffsetTracker offsets, int maxTextBytes) {
    this.models = models;
    this.offsets = offsets;
    this.maxTextBytes = maxTextBytes;
  }

  /** @param epoch the consumer's rewind count now, carried by every request */
  Map<String, List<Pending>> decode(ConsumerRecords<String, byte[]> records, long epoch) {
    long now = System.nanoTime();
    long fetchedAt = System.currentTimeMillis();
    Map<String, List<Pending>> byModel = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      String model = Topics.modelOfRequests(partition.topic());
      if (model == null) {
        continue;
      }
      ServedModel.Slots slots = models.slots(model);
      Set<String> vocabulary = slots == null ? null : slots.production().vocabulary();
      List<Pending> queued = byModel.computeIfAbsent(model, m -> new ArrayList<>());
      for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
        InferenceRequest request = null;
        EventException refused = null;
        try {
          request =
              InferenceRequest.decode(
                  record.value() == null ? new byte[0] : record.value(),
                  new InferenceRequest.Defaults(
                      model,
                      record.key() == null ? null : record::key,
                      record.timestamp(),
                      maxTextBytes));
        } catch (EventException e) {
          refused = e;
        }
        TextDescriptors descriptors =
            request == null || slots == null
                ? null
                : TextDescriptors.of(request.text(), vocabulary);
        OffsetTracker.Mark mark =
            offsets.track(
                partition,
                record.offset(),
                record.timestamp() >= 0 ? record.timestamp() : fetchedAt);
        queued.add(
            new Pending(record, request, refused, now, epoch, mark::done, descriptors, vocabulary));
      }
    }
    return byModel;
  }
}
