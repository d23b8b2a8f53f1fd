package io.maas.monitor.window;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Role;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** One model's windows. */
final class ModelWindows {
  final Map<Integer, SeriesWindow> results = new HashMap<>();
  final Map<Integer, SeriesWindow> shadow = new HashMap<>();
  final Map<Integer, Role> lastRole = new HashMap<>();
  final Map<Integer, VersionProfile> profiles = new HashMap<>();
  final CountWindow deadLetters = new CountWindow();

  /** Dead letters blamed on a version (it failed on the request), by reason. */
  final Map<Integer, CountWindow> versionDeadLetters = new HashMap<>();

  final Answers answers;
  ModelDeployment deployment;

  ModelWindows(int answersCapacity) {
    answers = new Answers(answersCapacity);
  }

  /** Deployed versions and versions with answers or dead letters in the span, in order. */
  TreeSet<Integer> versions(Span span) {
    TreeSet<Integer> versions = new TreeSet<>();
    if (deployment != null) {
      slots(deployment).forEach(s -> versions.add(s.version()));
    }
    results.forEach(
        (v, w) -> {
          if (w.newestSlot() >= span.fromSlot()) {
            versions.add(v);
          }
        });
    shadow.forEach(
        (v, w) -> {
          if (w.newestSlot() >= span.fromSlot()) {
            versions.add(v);
          }
        });
    versionDeadLetters.forEach(
        (v, w) -> {
          if (w.newestSlot() >= span.fromSlot()) {
            versions.add(v);
          }
        });
    return versions;
  }

  /** The version's role in the current deployment, or "retired". */
  String role(int version) {
    if (deployment != null) {
      if (deployment.production() != null && deployment.production().version() == version) {
        return Role.PRODUCTION.code();
      }
      if (deployment.canary() != null && deployment.canary().version() == version) {
        return Role.CANARY.code();
      }
      if (deployment.shadow() != null && deployment.shadow().version() == version) {
        return Role.SHADOW.code();
      }
    }
    return "retired";
  }

  Aggregate series(Map<Integer, SeriesWindow> topic, int version, Span span) {
    SeriesWindow w = topic.get(version);
    return w == null ? Aggregate.empty() : w.aggregate(span.fromSlot(), span.toSlot());
  }

  /** The answers a version is judged on: its shadow answers while it is the shadow, else its results. */
  Aggregate main(int version, Span span) {
    return series(mainTopic(version), version, span);
  }

  Map<Integer, SeriesWindow> mainTopic(int version) {
    boolean shadowRole =
        Role.SHADOW.code().equals(role(version))
            || (!results.containsKey(version) && shadow.containsKey(version));
    return shadowRole ? shadow : results;
  }

  /** The main series slot by slot over the span, for the page's charts. */
  JsonObject timeline(int version, Span span) {
    SeriesWindow w = mainTopic(version).get(version);
    return (w == null ? new SeriesWindow() : w)
        .timeline(span.fromSlot(), span.toSlot(), span.asOf());
  }

  static List<ModelDeployment.Slot> slots(ModelDeployment d) {
    List<ModelDeployment.Slot> slots = new ArrayList<>(3);
    if (d.production() != null) {
      slots.add(d.production());
    }
    if (d.canary() != null) {
      slots.add(d.canary());
    }
    if (d.shadow() != null) {
      slots.add(d.shadow());
    }
    return slots;
  }
}
