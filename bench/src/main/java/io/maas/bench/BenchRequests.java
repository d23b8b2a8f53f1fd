package io.maas.bench;

import io.maas.common.kafka.Topics;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The requests the end-to-end runs write to {@code maas.requests.<model>}, as a producer would
 * write them, with each corpus text's JSON encoded once: the generator shares the cores with what
 * it measures, so it must spend little.
 */
final class BenchRequests {
  private final String model;
  private final byte[][] texts;

  BenchRequests(String model, List<String> texts) {
    this.model = model;
    this.texts =
        texts.stream()
            .map(t -> Json.encode(t).getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
  }

  /** Sends the i-th request, keyed by {@code id}, stamped with the time of sending as ingestedAt. */
  void send(KafkaProducer<String, byte[]> producer, int i, String id) {
    producer.send(
        new ProducerRecord<>(
            Topics.requests(model), id, request(i, id, System.currentTimeMillis())));
  }

  /** {@code {"id":..,"model":..,"ingestedAt":..,"text":..}} for the i-th request. */
  byte[] request(int i, String id, long ingestedAt) {
    byte[] head =
        ("{\"id\":"
                + Json.encode(id)
                + ",\"model\":"
                + Json.encode(model)
                + ",\"ingestedAt\":"
                + ingestedAt
                + ",\"text\":")
            .getBytes(StandardCharsets.UTF_8);
    byte[] text = texts[i % texts.length];
    byte[] out = Arrays.copyOf(head, head.length + text.length + 1);
    System.arraycopy(text, 0, out, head.length, text.length);
    out[out.length - 1] = '}';
    return out;
  }
}
