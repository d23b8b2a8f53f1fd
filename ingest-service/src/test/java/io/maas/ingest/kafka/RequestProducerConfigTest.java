package io.maas.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class RequestProducerConfigTest {

  private static final Map<String, String> SHARED =
      Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5");

  @Test
  void aRecordWaitsForKafkaNoLongerThanTheDeliveryTimeout() {
    Map<String, String> producer = RequestProducerConfig.of(SHARED, Duration.ofSeconds(15), 1024);

    assertThat(producer)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000")
        .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "14995")
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000")
        .doesNotContainKey(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    assertThat(RequestProducerConfig.of(SHARED, Duration.ofMinutes(2), 1024))
        .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
  }

  @Test
  void theLongestTextFitsInOneRequestOnceWrappedInJson() {
    Map<String, String> producer =
        RequestProducerConfig.of(SHARED, Duration.ofSeconds(15), 1 << 20);

    assertThat(producer)
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf((2 << 20) + 65536))
        .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(32 << 20));
  }
}
