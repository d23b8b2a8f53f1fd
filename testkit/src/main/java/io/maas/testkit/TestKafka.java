package io.maas.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The broker a test runs against, with the plain-client helpers tests need: unique names,
 * topic creation, producing, and reading a topic from the beginning.
 */
public final class TestKafka {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String bootstrapServers;
  private final String kind;

  TestKafka(String bootstrapServers, String kind) {
    this.bootstrapServers = bootstrapServers;
    this.kind = kind;
  }

  /** Kafka at {@code bootstrapServers}, started by the caller ({@link KafkaCluster#kafka()} does). */
  public static TestKafka of(String bootstrapServers, String kind) {
    return new TestKafka(bootstrapServers, kind);
  }

  /**
   * A broker the test started itself, such as a {@link BrokerProcess} it kills and restarts; the
   * shared one comes from {@link KafkaExtension}.
   */
  public static TestKafka at(String bootstrapServers) {
    return of(bootstrapServers, "process");
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** {@code embedded}, {@code testcontainers}, {@code cluster} ({@link KafkaCluster}) or {@code process} ({@link #at(String)}). */
  public String kind() {
    return kind;
  }

  /** A name no other test in this JVM uses, valid as a topic, group or model name. */
  public static String unique(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
  }

  public Admin admin() {
    Properties props = new Properties();
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Admin.create(props);
  }

  public void createTopic(String topic, int partitions) {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
      // write only once every partition has a leader (see TopicProvisioner)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!led(admin, topic) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    }
  }

  /**
   * Every partition's leader serves it: named in the metadata is not enough (TopicProvisioner
   * says why), so its offsets are asked of the leader itself.
   */
  private static boolean led(Admin admin, String topic)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    try {
      var partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions();
      if (partitions.stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
        return false;
      }
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
          new java.util.HashMap<>();
      partitions.forEach(
          p ->
              latest.put(
                  new TopicPartition(topic, p.partition()),
                  org.apache.kafka.clients.admin.OffsetSpec.latest()));
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      // just created: the metadata may not know the topic yet, or a leader does not serve yet
      return false;
    }
  }

  public KafkaProducer<String, byte[]> producer() {
    Properties props = new Properties();
    props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    props.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.setProperty(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  /** Sends one record and waits for the broker's acknowledgement. */
  public RecordMetadata send(String topic, String key, byte[] value) {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + topic, e);
    }
  }

  /**
   * Reads {@code topic} from the beginning (read-committed) until {@code count} records have
   * arrived or {@code timeout} passes; returns what arrived, possibly fewer.
   */
  public List<ConsumerRecord<String, byte[]>> read(String topic, int count, Duration timeout) {
    Properties props = new Properties();
    props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.setProperty(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.setProperty(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** The sum of a topic's end offsets: how many records (and transaction markers) it holds. */
  public long endOffsets(String topic) {
    Properties props = new Properties();
    props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.setProperty(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.setProperty(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Topic configs as the broker reports them. */
  public Map<String, String> topicConfig(String topic) {
    try (Admin admin = admin()) {
      var resource =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
      var config =
          admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      Map<String, String> map = new java.util.HashMap<>();
      config.entries().forEach(e -> map.put(e.name(), e.value()));
      return map;
    } catch (Exception e) {
      throw new IllegalStateException("cannot describe topic " + topic, e);
    }
  }
}
