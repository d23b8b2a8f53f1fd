package io.maas.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.common.config.ConfigException;
import io.maas.common.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

  @Test
  void defaultsAreTheContractsLimits() {
    IngestConfig config = IngestConfig.from(Settings.load(IngestConfig.DEFAULTS, Map.of()));

    assertThat(config.maxTextBytes()).isEqualTo(1 << 20);
    assertThat(config.maxBodyBytes()).isEqualTo(16L << 20);
    assertThat(config.maxItems()).isEqualTo(10_000);
    assertThat(config.maxInFlight()).isEqualTo(20_000);
    assertThat(config.predictTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.port()).isEqualTo(8080);
  }

  @Test
  void theEnvironmentOverridesAndBadValuesNameTheirVariable() {
    IngestConfig config =
        IngestConfig.from(
            Settings.load(
                IngestConfig.DEFAULTS,
                Map.of(
                    "MAAS_MAX_TEXT_BYTES",
                    "64",
                    "MAAS_PREDICT_TIMEOUT_MS",
                    "1500",
                    "MAAS_INGEST_DELIVERY_TIMEOUT_MS",
                    "5000")));
    assertThat(config.maxTextBytes()).isEqualTo(64);
    assertThat(config.predictTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(5));

    assertThatThrownBy(
            () ->
                IngestConfig.from(
                    Settings.load(IngestConfig.DEFAULTS, Map.of("MAAS_INGEST_MAX_ITEMS", "many"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAAS_INGEST_MAX_ITEMS must be a whole number");
    assertThatThrownBy(
            () ->
                IngestConfig.from(
                    Settings.load(
                        IngestConfig.DEFAULTS,
                        Map.of(
                            "MAAS_INGEST_MAX_ITEMS", "500", "MAAS_INGEST_MAX_IN_FLIGHT", "100"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "MAAS_INGEST_MAX_IN_FLIGHT must be at least MAAS_INGEST_MAX_ITEMS (500), got 100");
    assertThatThrownBy(
            () ->
                IngestConfig.from(
                    Settings.load(
                        IngestConfig.DEFAULTS, Map.of("MAAS_INGEST_DELIVERY_TIMEOUT_MS", "100"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAAS_INGEST_DELIVERY_TIMEOUT_MS must be a whole number");
  }

  @Test
  void producerTokensAreOptionalAndAShortOneStopsTheServiceWithoutShowingIt() {
    assertThat(IngestConfig.from(Settings.load(IngestConfig.DEFAULTS, Map.of())).producerTokens())
        .isEmpty();
    IngestConfig config =
        IngestConfig.from(
            Settings.load(
                IngestConfig.DEFAULTS,
                Map.of("MAAS_INGEST_TOKENS", "aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb")));
    assertThat(config.producerTokens()).containsExactly("aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb");
    assertThat(config.toString()).doesNotContain("aaaaaaaaaaaaaaaa").contains("producerTokens=2");

    assertThatThrownBy(
            () ->
                IngestConfig.from(
                    Settings.load(
                        IngestConfig.DEFAULTS,
                        Map.of("MAAS_INGEST_TOKENS", "aaaaaaaaaaaaaaaa,secret1"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAAS_INGEST_TOKENS")
        .hasMessageContaining("token 2 of 2 is shorter")
        .hasMessageNotContaining("secret1");
  }
}
