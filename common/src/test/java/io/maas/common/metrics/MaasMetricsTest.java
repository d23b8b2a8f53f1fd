package io.maas.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.http.Observability;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaasMetricsTest {

  @Test
  void buildInfoIsOneSeriesNamingTheBuiltVersion() {
    MaasMetrics.exportBuildInfo();
    MaasMetrics.exportBuildInfo();

    List<Collector.MetricFamilySamples.Sample> samples =
        MaasMetrics.BUILD_INFO.collect().get(0).samples;
    assertThat(samples).hasSize(1);
    Collector.MetricFamilySamples.Sample info = samples.get(0);
    assertThat(info.labelNames).containsExactly("version", "revision");
    assertThat(info.labelValues.get(0))
        .as("Maven filtered the project's version in")
        .matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(info.labelValues.get(1)).isNotBlank().doesNotContain("${");
    assertThat(info.value).isEqualTo(1.0);
    assertThat(Observability.scrape(CollectorRegistry.defaultRegistry))
        .contains("# TYPE maas_build_info gauge")
        .contains(
            "maas_build_info{version=\""
                + info.labelValues.get(0)
                + "\",revision=\""
                + info.labelValues.get(1)
                + "\",} 1.0");
  }
}
