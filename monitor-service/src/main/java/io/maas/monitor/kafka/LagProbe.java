package io.maas.monitor.kafka;

import io.maas.common.kafka.KafkaClients;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.lag.LagEstimator;
import io.maas.monitor.lag.LagView;
import io.maas.monitor.window.Windows;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at every consumer group with committed offsets on maas topics, from outside, every
 * interval: records behind (log end minus committed offset) and the age of the oldest
 * unprocessed record, then a status from the group's recent history. An idle topic has nothing
 * behind and reads OK, 0 s. On its own thread: the admin calls block. This class does the reads;
 * the {@link LagEstimator} turns them into records behind, ages and statuses.
 *
 * <p>The age of a group that is behind by more than what was appended since the last sample is
 * the timestamp of the record at its committed offset, read with a group-less consumer. A group
 * within that (a healthy one: only what is in flight) is not read: its oldest record was appended
 * since the last sample, and its age is estimated from the appends between the two samples, as
 * kafka-lag-exporter does. Reading a record per partition every interval cost the monitor's JVM
 * bursts of a core (fetch sessions and the consumer's per-partition metrics, registered and
 * removed at each assignment) while everything was healthy.
 */
public final class LagProbe implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LagProbe.class);
  private static final Duration CALL = Duration.ofSeconds(10);

  private final MonitorConfig config;
  private final KafkaClients clients;
  private final Windows windows;
  private final Clock clock;

  /** On the probe's thread only. */
  private final LagEstimator estimator;

  private final Thread thread;
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> peek;

  public LagProbe(MonitorConfig config, KafkaClients clients, Windows windows, Clock clock) {
    this.config = config;
    this.clients = clients;
    this.windows = windows;
    this.clock = clock;
    this.estimator = new LagEstimator(config.lagWarnSeconds(), config.lagStall());
    this.thread = new Thread(this::loop, "maas-monitor-lag");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void loop() {
    Map<String, Object> props = new HashMap<>(clients.consumerConfig("lag-peek", null));
    // one record's timestamp is all a peek needs: small fetches spare the broker and this JVM
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024);
    try (Admin admin = clients.admin();
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      peek = consumer;
      while (running) {
        try {
          windows.lag(sample(admin, consumer));
        } catch (WakeupException e) {
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          LOG.debug(
              "Sampling consumer group lag failed ({}); trying again in {} ms",
              e.toString(),
              config.intervalMillis());
        }
        try {
          Thread.sleep(config.intervalMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    } catch (WakeupException e) {
      // closing
    }
  }

  LagView sample(Admin admin, KafkaConsumer<byte[], byte[]> consumer) throws Exception {
    long now = clock.millis();
    Collection<GroupListing> listings =
        admin
            .listGroups(ListGroupsOptions.forConsumerGroups())
            .all()
            .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
    Map<String, Map<TopicPartition, Long>> committed = new TreeMap<>();
    for (GroupListing listing : listings) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(listing.groupId())
              .partitionsToOffsetAndMetadata()
              .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, Long> maas = new HashMap<>();
      offsets.forEach(
          (tp, o) -> {
            if (o != null && tp.topic().startsWith("maas.")) {
              maas.put(tp, o.offset());
            }
          });
      if (!maas.isEmpty()) {
        committed.put(listing.groupId(), maas);
      }
    }
    estimator.keepOnly(committed.keySet());
    if (committed.isEmpty()) {
      return new LagView(Map.of(), now);
    }
    Set<String> active = new HashSet<>();
    admin
        .describeConsumerGroups(committed.keySet())
        .all()
        .get(CALL.toMillis(), TimeUnit.MILLISECONDS)
        .forEach(
            (group, d) -> {
              if (!d.members().isEmpty()) {
                active.add(group);
              }
            });
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed.values().forEach(m -> m.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest())));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get(CALL.toMillis(), TimeUnit.MILLISECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    Map<TopicPartition, Map<Long, Long>> timestamps =
        timestamps(consumer, committed, estimator.toRead(committed, ends));
    return estimator.sampled(committed, active, ends, timestamps, now);
  }

  /** Timestamps of the records at the given offsets (and, for other groups, at theirs), by partition and offset. */
  private static Map<TopicPartition, Map<Long, Long>> timestamps(
      KafkaConsumer<byte[], byte[]> consumer,
      Map<String, Map<TopicPartition, Long>> committed,
      Map<TopicPartition, Long> lowest) {
    Map<TopicPartition, Map<Long, Long>> found = new HashMap<>();
    if (lowest.isEmpty()) {
      return found;
    }
    // every group's committed offset on each partition,
    // to read them all in one pass from the lowest
    Map<TopicPartition, Set<Long>> needed = new HashMap<>();
    for (Map<TopicPartition, Long> offsets : committed.values()) {
      offsets.forEach(
          (tp, offset) -> {
            if (lowest.containsKey(tp)) {
              needed.computeIfAbsent(tp, k -> new HashSet<>()).add(offset);
            }
          });
    }
    for (Map.Entry<TopicPartition, Set<Long>> e : needed.entrySet()) {
      TopicPartition tp = e.getKey();
      Map<Long, Long> byOffset = new HashMap<>();
      for (long offset : e.getValue()) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
          List<ConsumerRecord<byte[], byte[]>> records =
              new ArrayList<>(consumer.poll(Duration.ofMillis(200)).records(tp));
          if (!records.isEmpty()) {
            // the first readable record at or after the
            // offset (transaction markers take offsets too)
            byOffset.put(offset, records.get(0).timestamp());
            break;
          }
        }
      }
      found.put(tp, byOffset);
    }
    consumer.unsubscribe();
    return found;
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = peek;
    if (c != null) {
      c.wakeup();
    }
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
