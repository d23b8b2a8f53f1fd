package io.maas.inference.kafka;

import io.maas.common.kafka.KafkaClients;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.worker.ResultSink;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The plain Kafka clients of one attempt of the {@link InferencePipeline}, and why they are set as
 * they are; the sink of the delivery mode around its producer.
 */
final class PipelineClients {

  private PipelineClients() {}

  static KafkaConsumer<String, byte[]> consumer(InferenceConfig config, KafkaClients clients) {
    Map<String, Object> consumerConfig =
        new HashMap<>(clients.consumerConfig("pipeline", config.groupId()));
    consumerConfig.put(
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, config.batchSize() * 4));
    // New models' request topics join the subscription within seconds.
    consumerConfig.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
    // Static membership: an instance restarted under the same worker name takes its partitions
    // back at once, without a rebalance; a dead one is noticed after 10 s rather than 45.
    consumerConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.worker());
    consumerConfig.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    consumerConfig.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    return new KafkaConsumer<>(
        consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
  }

  static KafkaProducer<String, byte[]> producer(InferenceConfig config, KafkaClients clients) {
    Map<String, Object> producerConfig = new HashMap<>(clients.producerConfig("results"));
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    if (config.exactlyOnce()) {
      // The same id after a restart fences the dead instance and aborts its open transaction at
      // once; an instance that never comes back holds read-committed readers for at most 10 s.
      producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(config));
      producerConfig.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    }
    return new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
  }

  /** The delivery mode's sink, around the model worker's failure handler. */
  static ResultSink sink(
      InferenceConfig config,
      Producer<String, byte[]> producer,
      Supplier<ConsumerGroupMetadata> groupMetadata,
      Consumer<Exception> failed) {
    return config.exactlyOnce()
        ? new TransactionalSink(producer, transactionalId(config), groupMetadata, failed)
        : new AtLeastOnceSink(producer, failed);
  }

  /** One per instance: each needs its own {@code MAAS_INFERENCE_WORKER}. */
  static String transactionalId(InferenceConfig config) {
    return config.groupId() + "-" + config.worker();
  }
}
