package io.maas.monitor.kafka;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.EventException;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Names;
import io.maas.common.kafka.ConsumerThread;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import io.maas.monitor.config.MonitorConfig;
import io.maas.monitor.window.SeriesWindow;
import io.maas.monitor.window.Windows;
import io.prometheus.client.Counter;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every answer, dead letter, deployment and piece of ground truth into the {@link Windows},
 * on its own thread: one consumer in the monitor's group subscribed to a pattern, so a new
 * model's topics join within seconds. A partition it has not read before in this process is read
 * from the first record of the last hour (by timestamp), {@code maas.models} from its beginning:
 * after a restart, even a kill -9, the windows are rebuilt from Kafka and answer as before.
 * Offsets are committed every few seconds only so that the monitor's own lag shows; they are
 * never where reading starts.
 */
public final class StreamReader extends ConsumerThread {

  private static final Logger LOG = LoggerFactory.getLogger(StreamReader.class);

  /** The topics the monitor reads. */
  public static final Pattern TOPICS =
      Pattern.compile(
          "maas\\.(results|shadow|feedback)\\.[a-z0-9][a-z0-9-]{0,62}|maas\\.dlq|maas\\.models");

  private static final String FEEDBACK_PREFIX = "maas.feedback.";
  private static final String SHADOW_PREFIX = "maas.shadow.";
  private static final String RESULTS_PREFIX = "maas.results.";
  private static final long COMMIT_MILLIS = 5_000;
  private static final int LOGGED_ERRORS = 20;

  static final Counter EVENTS =
      Counter.build(
              "maas_monitor_events_total",
              "Events the monitor read, by kind (result, shadow, dead_letter, deployment, feedback) and outcome (ok, invalid)")
          .labelNames("kind", "outcome")
          .register();

  private final MonitorConfig config;
  private final KafkaClients clients;
  private final Windows windows;
  private final Clock clock;

  /** The next offset of every partition read in this process; a rebalance resumes there. */
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();

  private final Map<TopicPartition, Long> catchUp = new ConcurrentHashMap<>();
  private volatile boolean assigned;
  private volatile boolean polling;
  private int errorsLogged;

  public StreamReader(MonitorConfig config, KafkaClients clients, Windows windows, Clock clock) {
    super("maas-monitor-stream", true, 10_000);
    this.config = config;
    this.clients = clients;
    this.windows = windows;
    this.clock = clock;
  }

  /** Whether the last hour that existed at start (or at a partition's assignment) has been read. */
  public boolean caughtUp() {
    return polling && assigned && catchUp.isEmpty();
  }

  @Override
  protected void run() {
    try {
      // A new consumer after a failure goes on from this process's positions (see position).
      untilStopped("Reading maas topics", LOG, this::read);
    } finally {
      polling = false;
    }
  }

  private void read() {
    Map<String, Object> props = new HashMap<>(clients.consumerConfig("stream", config.groupId()));
    props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    // The monitor needs no low latency (its slots are 10 s): fetches wait for 256 KiB or half a
    // second, so that a busy stream costs the broker a few fetches a second, not one per batch.
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      attach(c);
      c.subscribe(
          TOPICS,
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              partitions.forEach(catchUp::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              position(c, partitions);
              assigned = true;
            }
          });
      long lastCommit = clock.millis();
      polling = true;
      LOG.info(
          "Monitor reading maas topics in group {}, windows of up to {}",
          config.groupId(),
          MonitorConfig.MAX_WINDOW);
      while (running()) {
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          dispatch(record);
          positions.put(tp, record.offset() + 1);
        }
        if (!catchUp.isEmpty()) {
          catchUp
              .entrySet()
              .removeIf(
                  e ->
                      c.assignment().contains(e.getKey())
                          ? c.position(e.getKey()) >= e.getValue()
                          : true);
        }
        if (clock.millis() - lastCommit >= COMMIT_MILLIS) {
          lastCommit = clock.millis();
          Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
          for (TopicPartition tp : c.assignment()) {
            Long next = positions.get(tp);
            if (next != null) {
              offsets.put(tp, new OffsetAndMetadata(next));
            }
          }
          if (!offsets.isEmpty()) {
            c.commitAsync(
                offsets,
                (o, e) -> {
                  if (e != null) {
                    LOG.debug(
                        "Committing the monitor's offsets failed ({}); the next commit covers it",
                        e.toString());
                  }
                });
          }
        }
      }
    } finally {
      polling = false;
    }
  }

  /** Where each newly assigned partition starts: where this process left it, else an hour ago. */
  private void position(KafkaConsumer<String, byte[]> c, Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> byTime = new HashMap<>();
    long since = clock.millis() - MonitorConfig.MAX_WINDOW.toMillis() - SeriesWindow.SLOT_MILLIS;
    for (TopicPartition tp : partitions) {
      Long next = positions.get(tp);
      if (next != null) {
        c.seek(tp, next);
      } else if (Topics.MODELS.equals(tp.topic())) {
        c.seekToBeginning(List.of(tp));
      } else {
        byTime.put(tp, since);
      }
    }
    if (!byTime.isEmpty()) {
      Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(byTime);
      for (TopicPartition tp : byTime.keySet()) {
        OffsetAndTimestamp at = found.get(tp);
        if (at == null) {
          c.seekToEnd(List.of(tp));
        } else {
          c.seek(tp, at.offset());
        }
      }
    }
    Map<TopicPartition, Long> ends = c.endOffsets(partitions);
    ends.forEach(
        (tp, end) -> {
          if (c.position(tp) < end) {
            catchUp.put(tp, end);
          }
        });
  }

  private void dispatch(ConsumerRecord<String, byte[]> record) {
    String topic = record.topic();
    String kind = kind(topic);
    if (record.value() == null) {
      return;
    }
    try {
      switch (kind) {
        case "result" -> windows.result(InferenceResult.decode(record.value()), false);
        case "shadow" -> windows.result(InferenceResult.decode(record.value()), true);
        case "dead_letter" -> windows.deadLetter(DeadLetter.decode(record.value()));
        case "deployment" -> windows.deployment(ModelDeployment.decode(record.value()));
        case "feedback" -> feedback(topic.substring(FEEDBACK_PREFIX.length()), record.value());
        default -> {
          return;
        }
      }
      EVENTS.labels(kind, "ok").inc();
    } catch (EventException | IllegalArgumentException | DecodeException | ClassCastException e) {
      EVENTS.labels(kind, "invalid").inc();
      if (errorsLogged++ < LOGGED_ERRORS) {
        LOG.warn(
            "Skipping an unreadable record on {} at partition {} offset {}: {}{}",
            topic,
            record.partition(),
            record.offset(),
            e.getMessage(),
            errorsLogged == LOGGED_ERRORS ? " (further ones are only counted)" : "");
      }
    }
  }

  private void feedback(String model, byte[] value) {
    JsonObject json = new JsonObject(new String(value, StandardCharsets.UTF_8));
    String id = json.getString("id");
    String label = json.getString("label");
    if (id == null || label == null || !Names.isValidModel(model)) {
      throw new IllegalArgumentException("feedback needs \"id\" and \"label\" strings");
    }
    windows.feedback(model, id, label);
  }

  private static String kind(String topic) {
    if (topic.startsWith(RESULTS_PREFIX)) {
      return "result";
    }
    if (topic.startsWith(SHADOW_PREFIX)) {
      return "shadow";
    }
    if (topic.startsWith(FEEDBACK_PREFIX)) {
      return "feedback";
    }
    if (Topics.DEAD_LETTERS.equals(topic)) {
      return "dead_letter";
    }
    return Topics.MODELS.equals(topic) ? "deployment" : "other";
  }
}
