package io.maas.inference.model;

import io.maas.common.event.Role;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

/** The model manager's Prometheus families, registered once per JVM. */
final class LoadMetrics {

  static final Gauge LOADED =
      Gauge.build("maas_model_loaded", "1 while a model version is loaded and serving a role")
          .labelNames("model", "version", "role")
          .register();

  /** Not removed with a version's other series: the alert on failed loads and swaps reads its increase. */
  static final Counter LOAD_FAILURES =
      Counter.build(
              "maas_model_load_failures_total",
              "Loads of a model version that failed (download, checksum, unpacking, TensorFlow load or warm-up)")
          .labelNames("model", "version")
          .register();

  private LoadMetrics() {}

  /** Sets {@code maas_model_loaded} of every version in the slots; nothing for null slots. */
  static void loaded(String model, ServedModel.Slots s, double value) {
    if (s == null) {
      return;
    }
    for (Role role : Role.values()) {
      ServedModel served = s.of(role);
      if (served != null) {
        LOADED.labels(model, String.valueOf(served.version()), role.code()).set(value);
      }
    }
  }

  /** Drops the {@code maas_model_loaded} series of a version that has closed. */
  static void forget(ServedModel served) {
    for (Role role : Role.values()) {
      LOADED.remove(served.model(), String.valueOf(served.version()), role.code());
    }
  }
}
