package io.maas.monitor.kafka;

import io.maas.common.kafka.KafkaClients;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.lag.GroupHistory;
import io.maas.monitor.lag.LagStatus;
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
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
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
 * behind and reads OK, 0 s. On its own thread: the admin calls block.
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
  private final Map<String, GroupHistory> histories = new HashMap<>();

  /** The log end offsets at the last sample, and when it was taken; on the probe's thread only. */
  private Map<TopicPartition, Long> lastEnds = Map.of();

  private long lastAt;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> peek;

  public LagProbe(MonitorConfig config, KafkaClients clients, Windows windows, Clock clock) {
    this.config = config;
    this.clients = clients;
    this.windows = windows;
    this.clock = clock;
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
    histories.keySet().retainAll(committed.keySet());
    if (committed.isEmpty()) {
      return new LagView(Map.of(), now);
    }
    Map<String, ConsumerGroupDescription> described =
        admin
            .describeConsumerGroups(committed.keySet())
            .all()
            .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
    Set<TopicPartition> partitions = new HashSet<>();
    committed.values().forEach(m -> partitions.addAll(m.keySet()));
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(latest).all().get(CALL.toMillis(), TimeUnit.MILLISECONDS);

    // the records at the committed offsets of partitions behind by more than the last sample's
    // appends: their timestamps give the age
    Map<TopicPartition, Long> wanted = new HashMap<>();
    for (Map<TopicPartition, Long> offsets : committed.values()) {
      offsets.forEach(
          (tp, offset) -> {
            if (ends.get(tp) != null
                && ends.get(tp).offset() > offset
                && !appendedSinceLastSample(tp, offset)) {
              wanted.merge(tp, offset, Math::min);
            }
          });
    }
    Map<TopicPartition, Map<Long, Long>> timestamps = timestamps(consumer, committed, wanted);
    Map<TopicPartition, Long> endOffsets = new HashMap<>();
    ends.forEach((tp, info) -> endOffsets.put(tp, info.offset()));

    Map<String, LagView.Group> groups = new TreeMap<>();
    committed.forEach(
        (group, offsets) -> {
          // per topic: records behind, committed offsets, log ends
          Map<String, long[]> records = new TreeMap<>();
          Map<String, Double> seconds = new TreeMap<>();
          long committedSum = 0;
          long behind = 0;
          double oldest = 0;
          for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            TopicPartition tp = e.getKey();
            long end = ends.get(tp) == null ? e.getValue() : ends.get(tp).offset();
            long lag = Math.max(0, end - e.getValue());
            committedSum += e.getValue();
            behind += lag;
            long[] sums = records.computeIfAbsent(tp.topic(), t -> new long[3]);
            sums[0] += lag;
            sums[1] += e.getValue();
            sums[2] += end;
            double age = 0;
            if (lag > 0) {
              Long ts = timestamps.getOrDefault(tp, Map.of()).get(e.getValue());
              age =
                  ts != null
                      ? Math.max(0, (now - ts) / 1000.0)
                      : appendedSinceLastSample(tp, e.getValue())
                          ? estimatedAge(lastEnds.get(tp), e.getValue(), end, now - lastAt)
                          : 0;
            }
            seconds.merge(tp.topic(), age, Math::max);
            oldest = Math.max(oldest, age);
          }
          ConsumerGroupDescription d = described.get(group);
          boolean active = d != null && !d.members().isEmpty();
          GroupHistory history =
              histories.computeIfAbsent(
                  group, g -> new GroupHistory(config.lagStall().toMillis() * 2));
          history.add(new GroupHistory.Sample(now, committedSum, behind, oldest, active));
          LagStatus status = history.status(config.lagWarnSeconds(), config.lagStall().toMillis());
          Map<String, LagView.TopicLag> topics = new TreeMap<>();
          records.forEach(
              (topic, n) ->
                  topics.put(
                      topic,
                      new LagView.TopicLag(n[0], seconds.getOrDefault(topic, 0.0), n[1], n[2])));
          groups.put(group, new LagView.Group(topics, status));
        });
    lastEnds = endOffsets;
    lastAt = now;
    return new LagView(groups, now);
  }

  /** Whether the record at this offset was appended after the last sample (its log end was at or before it). */
  private boolean appendedSinceLastSample(TopicPartition tp, long offset) {
    Long before = lastEnds.get(tp);
    return before != null && offset >= before;
  }

  /**
   * The age in seconds of the record at {@code offset}, appended since the last sample, taking the
   * appends since then as evenly spread: the log end went from {@code before} to {@code end} in
   * {@code elapsedMillis}.
   */
  static double estimatedAge(long before, long offset, long end, long elapsedMillis) {
    if (end <= before || elapsedMillis <= 0) {
      return 0;
    }
    return (end - offset) * (elapsedMillis / 1000.0) / (end - before);
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
