package io.maas.common.kafka;

import io.maas.common.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka client properties for a real cluster (SASL, TLS, timeouts), read from the file that
 * {@code MAAS_KAFKA_CONFIG_FILE} names and given to every client of the service: each setting
 * to the kinds of client (producer, consumer, admin) that know it. Settings that maas's
 * guarantees rest on are refused, and every value is checked as Kafka would check it, so a bad
 * file stops the service at start with a message naming the variable and the key. Values are
 * never logged: they hold passwords.
 */
public final class KafkaClientFile {

  /** What maas sets itself: delivery guarantees, serialization, groups, identities. */
  static final Set<String> OWNED =
      Set.of(
          "bootstrap.servers",
          "client.id",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer",
          "group.id",
          "group.instance.id",
          "enable.auto.commit",
          "isolation.level",
          "transactional.id",
          "enable.idempotence",
          "acks",
          "auto.offset.reset");

  private final Path path;
  private final Map<String, String> settings;

  private KafkaClientFile(Path path, Map<String, String> settings) {
    this.path = path;
    this.settings = Map.copyOf(settings);
  }

  /** No file: the clients' defaults (plaintext, no authentication). */
  public static final KafkaClientFile NONE = new KafkaClientFile(null, Map.of());

  /**
   * Reads and checks a properties file.
   *
   * @param variable the setting that named it, for error messages
   */
  public static KafkaClientFile load(String variable, Path path) {
    java.util.Properties properties = new java.util.Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(
          variable,
          variable
              + " names "
              + path
              + ", which cannot be read as a properties file: "
              + e.getMessage());
    }
    Map<String, String> settings = new TreeMap<>();
    properties
        .stringPropertyNames()
        .forEach(key -> settings.put(key, properties.getProperty(key).trim()));
    for (String key : settings.keySet()) {
      if (OWNED.contains(key)) {
        throw new ConfigException(
            variable,
            variable
                + " ("
                + path
                + ") sets "
                + key
                + ", which maas sets itself"
                + ("bootstrap.servers".equals(key) ? "; use KAFKA_BOOTSTRAP_SERVERS" : "")
                + "; remove it");
      }
      if (!ProducerConfig.configNames().contains(key)
          && !ConsumerConfig.configNames().contains(key)
          && !AdminClientConfig.configNames().contains(key)) {
        throw new ConfigException(
            variable,
            variable
                + " ("
                + path
                + ") sets "
                + key
                + ", which is no Kafka producer, consumer or admin client setting");
      }
    }
    KafkaClientFile file = new KafkaClientFile(path, settings);
    file.check(variable);
    return file;
  }

  /** Parses the values with Kafka's own definitions: types, ranges and enumerations. */
  private void check(String variable) {
    try {
      Map<String, Object> producer = new HashMap<>(forProducer());
      producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
      producer.put(
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          org.apache.kafka.common.serialization.StringSerializer.class);
      producer.put(
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          org.apache.kafka.common.serialization.StringSerializer.class);
      new ProducerConfig(producer);
      Map<String, Object> consumer = new HashMap<>(forConsumer());
      consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
      consumer.put(
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          org.apache.kafka.common.serialization.StringDeserializer.class);
      consumer.put(
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
          org.apache.kafka.common.serialization.StringDeserializer.class);
      new ConsumerConfig(consumer);
      Map<String, Object> admin = new HashMap<>(forAdmin());
      admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
      new AdminClientConfig(admin);
    } catch (org.apache.kafka.common.KafkaException e) {
      // Kafka's messages name the key and, for passwords, hide the value
      throw new ConfigException(variable, variable + " (" + path + "): " + e.getMessage());
    }
  }

  public Map<String, String> forProducer() {
    return only(ProducerConfig.configNames());
  }

  public Map<String, String> forConsumer() {
    return only(ConsumerConfig.configNames());
  }

  public Map<String, String> forAdmin() {
    return only(AdminClientConfig.configNames());
  }

  private Map<String, String> only(Set<String> known) {
    Map<String, String> selected = new HashMap<>();
    settings.forEach(
        (key, value) -> {
          if (known.contains(key)) {
            selected.put(key, value);
          }
        });
    return selected;
  }

  /** The file and the keys it sets; never the values. */
  @Override
  public String toString() {
    return path == null ? "(none)" : path + " " + settings.keySet();
  }
}
