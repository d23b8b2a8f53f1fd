package io.maas.monitor.window;

import io.maas.common.event.ModelDeployment;
import io.maas.common.kafka.Topics;
import io.maas.common.profile.ReferenceProfile;
import io.maas.monitor.drift.DriftCheck;
import io.maas.monitor.drift.Estimate;
import io.maas.monitor.lag.LagView;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code /v1/summary} shows a model and its versions (the shape is in docs/MONITORING.md and docs/CONTRACT.md). */
final class SummaryJson {

  private final DriftCheck drift;
  private final int profileResults;

  SummaryJson(DriftCheck drift, int profileResults) {
    this.drift = drift;
    this.profileResults = profileResults;
  }

  JsonObject model(String name, ModelWindows m, Span span, LagView lag) {
    JsonObject versions = new JsonObject();
    for (int version : m.versions(span)) {
      versions.put(String.valueOf(version), version(m, version, span));
    }
    JsonObject lagJson = new JsonObject();
    List<String> topics =
        List.of(
            Topics.requests(name),
            Topics.results(name),
            Topics.shadow(name),
            "maas.feedback." + name);
    lag.groups()
        .forEach(
            (group, g) -> {
              long records = 0;
              double seconds = 0;
              boolean any = false;
              for (String topic : topics) {
                LagView.TopicLag t = g.topics().get(topic);
                if (t != null) {
                  any = true;
                  records += t.records();
                  seconds = Math.max(seconds, t.seconds());
                }
              }
              if (any) {
                lagJson.put(
                    group,
                    new JsonObject()
                        .put("records", records)
                        .put("seconds", round(seconds, 3))
                        .put("status", g.status().name()));
              }
            });
    return new JsonObject()
        .put("deployment", m.deployment == null ? null : deployment(m.deployment))
        .put("versions", versions)
        .put(
            "deadLetters",
            new JsonObject(new LinkedHashMap<>(m.deadLetters.sum(span.fromSlot(), span.toSlot()))))
        .put("lag", lagJson);
  }

  JsonObject version(ModelWindows m, int version, Span span) {
    String role = m.role(version);
    Aggregate results = m.series(m.results, version, span);
    Aggregate shadow = m.series(m.shadow, version, span);
    Aggregate a = m.main(version, span);
    VersionProfile vp = m.profiles.get(version);
    ReferenceProfile profile = vp == null ? null : vp.profile;
    double seconds = Math.max(1, (span.asOf() - span.from()) / 1000.0);
    double estimated = Estimate.accuracy(a.confidence(), profile);
    JsonObject json =
        new JsonObject()
            .put("role", role)
            .put("results", results.results())
            .put("shadowResults", shadow.results())
            .put("perSecond", round(a.results() / seconds, 3))
            .put(
                "latencyMs",
                a.results() == 0
                    ? null
                    : new JsonObject()
                        .put("p50", a.latencyMs(50))
                        .put("p95", a.latencyMs(95))
                        .put("p99", a.latencyMs(99))
                        .put("max", a.maxLatencyMs()))
            .put("labels", new JsonObject(new LinkedHashMap<>(a.labels())))
            .put("deadLetters", new JsonObject(new LinkedHashMap<>(deadLetters(m, version, span))))
            .put("confidence", a.confidence().toJson())
            .put("timeline", m.timeline(version, span))
            .put("estimatedAccuracy", Double.isNaN(estimated) ? null : round(estimated, 4))
            .put("drift", drift.toJson(drift.judge(a, profile)))
            .put("profile", profile(vp))
            .put(
                "agreement",
                a.compared() == 0
                    ? null
                    : new JsonObject()
                        .put("rate", round(a.agreeing() / (double) a.compared(), 4))
                        .put("compared", a.compared()));
    if (a.labelled() > 0) {
      double realized = a.correct() / (double) a.labelled();
      json.put(
          "realizedAccuracy",
          new JsonObject()
              .put("accuracy", round(realized, 4))
              .put("labelled", a.labelled())
              .put(
                  "estimateError",
                  Double.isNaN(estimated) ? null : round(estimated - realized, 4)));
    } else {
      json.put("realizedAccuracy", null);
    }
    return json;
  }

  private static Map<String, Long> deadLetters(ModelWindows m, int version, Span span) {
    CountWindow w = m.versionDeadLetters.get(version);
    return w == null ? Map.of() : w.sum(span.fromSlot(), span.toSlot());
  }

  JsonObject profile(VersionProfile vp) {
    if (vp == null || (vp.profile == null && vp.bootstrap == null)) {
      return null;
    }
    if (vp.profile != null) {
      return new JsonObject()
          .put("source", vp.profile.source())
          .put("examples", vp.profile.examples())
          .put("calibrated", vp.profile.calibrated());
    }
    return new JsonObject()
        .put("source", ReferenceProfile.PRODUCTION)
        .put("examples", vp.bootstrap.examples())
        .put("building", true)
        .put("needs", profileResults);
  }

  static JsonObject deployment(ModelDeployment d) {
    return new JsonObject()
        .put("revision", d.revision())
        .put("production", d.production() == null ? null : d.production().version())
        .put(
            "canary",
            d.canary() == null
                ? null
                : new JsonObject()
                    .put("version", d.canary().version())
                    .put("weight", d.canary().weight()))
        .put("shadow", d.shadow() == null ? null : d.shadow().version())
        .put("rollout", d.rollout() == null ? null : d.rollout().toJson());
  }

  static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }
}
