package io.maas.bench;

import io.maas.common.kafka.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Deletes what a benchmark wrote: the records of a model's requests, results and shadow topics up
 * to their current ends, but never past what a consumer group has committed, so no group loses a
 * record it has not read. (A consumer that assigns partitions without a group is not protected.)
 */
final class Cleanup {

  private Cleanup() {}

  static void run(String bootstrapServers, String model) throws Exception {
    try (Admin admin = BenchKafka.clients(bootstrapServers).admin()) {
      List<String> topics =
          List.of(Topics.requests(model), Topics.results(model), Topics.shadow(model));
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .values()
          .forEach(
              d ->
                  d.partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(d.name(), p.partition()),
                                  OffsetSpec.latest())));
      Map<TopicPartition, Long> upTo = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> upTo.put(tp, info.offset()));
      for (ConsumerGroupListing group :
          admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group.groupId())
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        committed.forEach(
            (tp, offset) -> {
              if (offset != null) {
                upTo.computeIfPresent(tp, (k, end) -> Math.min(end, offset.offset()));
              }
            });
      }
      Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
      upTo.forEach((tp, offset) -> deletions.put(tp, RecordsToDelete.beforeOffset(offset)));
      admin.deleteRecords(deletions).all().get(60, TimeUnit.SECONDS);
      System.err.printf(
          "deleted the records of %s up to their ends (or a group's committed offset) in %d partitions%n",
          String.join(", ", topics), deletions.size());
    }
  }
}
