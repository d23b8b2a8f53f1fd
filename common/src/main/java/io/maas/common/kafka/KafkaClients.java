package io.maas.common.kafka;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka client factories with maas's safe defaults: producers wait for all in-sync replicas
 * and are idempotent; consumers never auto-commit and read only committed records.
 * Keys are strings (request id, model name); values are bytes (JSON that may be malformed).
 */
public final class KafkaClients {

  private final String bootstrapServers;
  private final String clientIdPrefix;
  private final KafkaClientFile file;

  /**
   * @param bootstrapServers host:port list
   * @param clientIdPrefix   names this process's clients in broker logs and quotas, e.g. the service name
   */
  public KafkaClients(String bootstrapServers, String clientIdPrefix) {
    this(bootstrapServers, clientIdPrefix, KafkaClientFile.NONE);
  }

  /**
   * @param file settings for a secured cluster ({@code MAAS_KAFKA_CONFIG_FILE}), applied over the
   *             defaults below except for those maas's guarantees rest on
   */
  public KafkaClients(String bootstrapServers, String clientIdPrefix, KafkaClientFile file) {
    this.bootstrapServers = bootstrapServers;
    this.clientIdPrefix = clientIdPrefix;
    this.file = file;
  }

  /** A service's clients: the shared settings' brokers and client file. */
  public static KafkaClients of(io.maas.common.config.MaasConfig config, String clientIdPrefix) {
    return new KafkaClients(
        config.kafkaBootstrapServers(), clientIdPrefix, config.kafkaClientFile());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Map<String, String> producerConfig(String name) {
    Map<String, String> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId(name));
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // Kafka's five requests in flight: safe once a new topic's leaders serve, which
    // TopicProvisioner waits for (IdempotentProducerIT).
    config.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.putAll(file.forProducer());
    return config;
  }

  public Map<String, String> consumerConfig(String name, String groupId) {
    Map<String, String> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId(name));
    if (groupId != null) {
      config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // The OS sizes the socket's receive buffer (Kafka's default is a fixed 64 KiB, which a fetch
    // of KB-sized requests overflows): with 64 KiB the benchmark saw a fetch stall ~300 ms now
    // and then (TCP flow control, most likely the zero-window probe); with the OS's, none.
    config.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "-1");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.putAll(file.forConsumer());
    return config;
  }

  public Map<String, Object> adminConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId("admin"));
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    config.putAll(file.forAdmin());
    return config;
  }

  /** A Vert.x producer: string keys, byte values (use {@code Buffer.getBytes()} to send JSON). */
  public KafkaProducer<String, byte[]> producer(Vertx vertx, String name) {
    return KafkaProducer.create(vertx, producerConfig(name));
  }

  /** A Vert.x consumer in {@code groupId} (null for a consumer that assigns partitions itself). */
  public KafkaConsumer<String, byte[]> consumer(Vertx vertx, String name, String groupId) {
    return KafkaConsumer.create(vertx, consumerConfig(name, groupId));
  }

  /** The plain admin client: the Vert.x one lacks parts that work on Kafka 4 (see STYLE.md). */
  public Admin admin() {
    return Admin.create(adminConfig());
  }

  private String clientId(String name) {
    return clientIdPrefix + "-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
