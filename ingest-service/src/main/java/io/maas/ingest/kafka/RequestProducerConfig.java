package io.maas.ingest.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings of the producer that publishes ingest's requests: the shared producer settings, with
 * room for the longest text: Kafka's default request limit (1 MiB) is smaller than a 1 MiB text
 * once it is wrapped in JSON (escapes can double it). A record waits for its acknowledgement at most
 * {@code MAAS_INGEST_DELIVERY_TIMEOUT_MS}, an HTTP client's patience rather than Kafka's two
 * minutes, and so does a send that waits for metadata. Pure.
 */
public final class RequestProducerConfig {

  private static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

  private RequestProducerConfig() {}

  /**
   * @param shared          the shared producer settings (acks, idempotence, serializers)
   * @param deliveryTimeout {@code MAAS_INGEST_DELIVERY_TIMEOUT_MS}
   * @param maxTextBytes    {@code MAAS_MAX_TEXT_BYTES}, the longest text in bytes of UTF-8
   */
  public static Map<String, String> of(
      Map<String, String> shared, Duration deliveryTimeout, int maxTextBytes) {
    Map<String, String> producer = new HashMap<>(shared);
    long delivery = deliveryTimeout.toMillis();
    long linger = Long.parseLong(producer.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, "0"));
    producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(delivery));
    // Kafka refuses a delivery timeout below linger.ms + request.timeout.ms (30 s by default).
    producer.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        String.valueOf(Math.min(30_000, delivery - linger)));
    producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(delivery));
    long requestBytes = Math.min(Integer.MAX_VALUE, 2L * maxTextBytes + 64 * 1024);
    if (requestBytes > DEFAULT_MAX_REQUEST_BYTES) {
      producer.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(requestBytes));
      producer.put(
          ProducerConfig.BUFFER_MEMORY_CONFIG,
          String.valueOf(Math.max(32L << 20, 2 * requestBytes)));
    }
    return producer;
  }
}
