package io.maas.bench;

import io.maas.common.config.MaasConfig;
import io.maas.common.kafka.KafkaClientFile;
import io.maas.common.kafka.KafkaClients;
import io.maas.common.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients the runs share: the benchmark's client settings, a producer of requests, a
 * reader of results.
 */
final class BenchKafka {

  private BenchKafka() {}

  /** The benchmark's clients, with the services' MAAS_KAFKA_CONFIG_FILE when it is set (a secured cluster). */
  static KafkaClients clients(String bootstrapServers) {
    String file = System.getenv(MaasConfig.MAAS_KAFKA_CONFIG_FILE);
    return new KafkaClients(
        bootstrapServers,
        "bench",
        file == null || file.isBlank()
            ? KafkaClientFile.NONE
            : KafkaClientFile.load(MaasConfig.MAAS_KAFKA_CONFIG_FILE, Path.of(file)));
  }

  /** A consumer of the model's results topic, assigned every partition and positioned at its end. */
  static KafkaConsumer<String, byte[]> resultsFromNow(KafkaClients clients, String model) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            new HashMap<>(clients.consumerConfig("results", null)),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.results(model), Duration.ofSeconds(10)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    return consumer;
  }

  /** A producer of requests, with the platform's producer settings. */
  static KafkaProducer<String, byte[]> requestsProducer(KafkaClients clients) {
    return new KafkaProducer<>(
        new HashMap<>(clients.producerConfig("requests")),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}
