package io.maas.monitor.window;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Names;
import io.maas.common.event.Role;
import io.maas.common.kafka.Topics;
import io.maas.common.profile.ReferenceProfile;
import io.maas.monitor.drift.DriftCheck;
import io.maas.monitor.drift.Estimate;
import io.maas.monitor.lag.LagView;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the monitor knows, for every model: each version's answers in windows of event
 * time, dead letters by reason, deployments, reference profiles, answers by id (agreement and
 * ground truth) and the consumer groups' lag. The stream reader writes it, the API and the
 * verdict timer read it; one lock guards it all (each call is short: a summary merges at most
 * 360 slots per series).
 */
public final class Windows {

  /** One model version, as the verdict timer and the gauges see it. */
  public record VersionVerdict(String model, int version, String role, long results, DriftCheck.Verdict drift,
      double estimatedAccuracy, Double agreement) {
  }

  private final DriftCheck drift;
  private final int profileResults;
  private final int answersCapacity;
  private final Clock clock;
  private final Map<String, ModelWindows> models = new TreeMap<>();
  private final CountWindow unattributedDeadLetters = new CountWindow();
  private LagView lag = LagView.NONE;

  /**
   * @param profileResults  answers a version without a training profile is profiled on
   * @param answersCapacity ids per model kept for agreement and ground truth
   */
  public Windows(DriftCheck drift, int profileResults, int answersCapacity, Clock clock) {
    this.drift = drift;
    this.profileResults = profileResults;
    this.answersCapacity = answersCapacity;
    this.clock = clock;
  }

  private ModelWindows model(String name) {
    return models.computeIfAbsent(name, n -> new ModelWindows(answersCapacity));
  }

  /** An answer read from {@code maas.results.<model>} ({@code shadowTopic} false) or {@code maas.shadow.<model>}. */
  public synchronized void result(InferenceResult r, boolean shadowTopic) {
    ModelWindows m = model(r.model());
    if (shadowTopic && r.role() == Role.PRODUCTION) {
      // production's control answer to a canary's request: only there to be compared with it
      produced(m, m.answers.entry(r.id()), new Answers.Answer(r.version(), r.role(), r.label(), r.completedAt()));
      return;
    }
    double top = r.scores().getOrDefault(r.label(), 0.0);
    VersionProfile vp = m.profiles.computeIfAbsent(r.version(), v -> new VersionProfile());
    if (vp.profile == null || !ReferenceProfile.TRAINING.equals(vp.profile.source())) {
      vp.bootstrap(r, top, profileResults);
    }
    (shadowTopic ? m.shadow : m.results).computeIfAbsent(r.version(), v -> new SeriesWindow())
        .add(r.completedAt(), r.label(), top, r.descriptors(), r.completedAt() - r.ingestedAt());
    m.lastRole.put(r.version(), r.role());
    Answers.Entry entry = m.answers.entry(r.id());
    Answers.Answer answer = new Answers.Answer(r.version(), r.role(), r.label(), r.completedAt());
    if (!shadowTopic) {
      entry.result = answer;
      if (entry.truth != null) {
        m.results.get(r.version()).feedback(r.completedAt(), entry.truth.equals(r.label()));
      }
    }
    if (r.role() == Role.PRODUCTION) {
      produced(m, entry, answer);
    } else if (entry.production != null) {
      agree(m, answer, entry.production);
    } else {
      Answers.challenge(entry, answer);
    }
  }

  private static void produced(ModelWindows m, Answers.Entry entry, Answers.Answer production) {
    entry.production = production;
    if (entry.challengers != null) {
      entry.challengers.forEach(c -> agree(m, c, production));
      entry.challengers = null;
    }
  }

  private static void agree(ModelWindows m, Answers.Answer challenger, Answers.Answer production) {
    if (challenger.version() == production.version()) {
      return;
    }
    Map<Integer, SeriesWindow> series = challenger.role() == Role.SHADOW ? m.shadow : m.results;
    SeriesWindow window = series.get(challenger.version());
    if (window != null) {
      window.agreement(challenger.at(), challenger.label().equals(production.label()));
    }
  }

  /** Ground truth for a request, from {@code maas.feedback.<model>}. */
  public synchronized void feedback(String model, String id, String label) {
    ModelWindows m = model(model);
    Answers.Entry entry = m.answers.entry(id);
    entry.truth = label;
    if (entry.result != null) {
      m.results.get(entry.result.version()).feedback(entry.result.at(), label.equals(entry.result.label()));
    }
  }

  public synchronized void deadLetter(DeadLetter letter) {
    if (letter.model() != null && Names.isValidModel(letter.model())) {
      model(letter.model()).deadLetters.add(letter.failedAt(), letter.reason());
    } else {
      unattributedDeadLetters.add(letter.failedAt(), letter.reason());
    }
  }

  public synchronized void deployment(ModelDeployment deployment) {
    ModelWindows m = model(deployment.model());
    if (m.deployment == null || deployment.revision() > m.deployment.revision()) {
      m.deployment = deployment;
    }
  }

  public synchronized void lag(LagView view) {
    this.lag = view;
  }

  public synchronized LagView lagView() {
    return lag;
  }

  public synchronized boolean knows(String model) {
    return models.containsKey(model);
  }

  /** Versions whose profile should be asked of the registry now; they are marked as asked. */
  public synchronized List<Map.Entry<String, Integer>> profilesToFetch() {
    long now = clock.millis();
    List<Map.Entry<String, Integer>> wanted = new ArrayList<>();
    models.forEach((name, m) -> {
      m.profiles.forEach((version, vp) -> {
        if (!vp.asking && !vp.answered && now >= vp.retryAt) {
          vp.asking = true;
          wanted.add(Map.entry(name, version));
        }
      });
      if (m.deployment != null) {
        for (ModelDeployment.Slot slot : slots(m.deployment)) {
          VersionProfile vp = m.profiles.computeIfAbsent(slot.version(), v -> new VersionProfile());
          if (!vp.asking && !vp.answered && now >= vp.retryAt) {
            vp.asking = true;
            wanted.add(Map.entry(name, slot.version()));
          }
        }
      }
    });
    return wanted;
  }

  /**
   * Whether every version met so far has its registry answer, or an attempt that failed: a
   * monitor restarted mid-stream judges with the same profiles as before once this holds.
   */
  public synchronized boolean profilesSettled() {
    for (ModelWindows m : models.values()) {
      for (VersionProfile vp : m.profiles.values()) {
        if (vp.asking || (!vp.answered && vp.retryAt == 0)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The registry's answer: the version's training profile, or null when it has none. */
  public synchronized void profileFetched(String model, int version, ReferenceProfile profile) {
    VersionProfile vp = model(model).profiles.computeIfAbsent(version, v -> new VersionProfile());
    vp.asking = false;
    vp.answered = true;
    if (profile != null) {
      vp.profile = profile;
      vp.bootstrap = null;
    }
  }

  /** The registry could not be asked; ask again later. */
  public synchronized void profileFailed(String model, int version, long retryMillis) {
    VersionProfile vp = model(model).profiles.computeIfAbsent(version, v -> new VersionProfile());
    vp.asking = false;
    vp.retryAt = clock.millis() + retryMillis;
  }

  /** The profile a version is judged against, or null while there is none. */
  public synchronized ReferenceProfile profile(String model, int version) {
    ModelWindows m = models.get(model);
    VersionProfile vp = m == null ? null : m.profiles.get(version);
    return vp == null ? null : vp.profile;
  }

  /** Every version with a role now or answers in the window, judged over the window. */
  public synchronized List<VersionVerdict> verdicts(Duration window) {
    Span span = span(window);
    List<VersionVerdict> verdicts = new ArrayList<>();
    models.forEach((name, m) -> {
      for (int version : m.versions(span)) {
        Aggregate a = m.main(version, span);
        ReferenceProfile profile = m.profiles.containsKey(version) ? m.profiles.get(version).profile : null;
        verdicts.add(new VersionVerdict(name, version, m.role(version), a.results(), drift.judge(a, profile),
            Estimate.accuracy(a.confidence(), profile), a.compared() == 0 ? null : a.agreeing() / (double) a.compared()));
      }
    });
    return verdicts;
  }

  /**
   * The summary the API serves.
   *
   * @param only one model, or null for all
   */
  public synchronized JsonObject summary(Duration window, String only) {
    Span span = span(window);
    JsonObject modelsJson = new JsonObject();
    models.forEach((name, m) -> {
      if (only == null || only.equals(name)) {
        modelsJson.put(name, modelJson(name, m, span));
      }
    });
    JsonObject summary = new JsonObject()
        .put("window", window.toString())
        .put("asOf", Instant.ofEpochMilli(span.asOf).toString())
        .put("from", Instant.ofEpochMilli(span.from()).toString())
        .put("models", modelsJson);
    Map<String, Long> unattributed = unattributedDeadLetters.sum(span.fromSlot, span.toSlot);
    if (!unattributed.isEmpty() && only == null) {
      summary.put("unattributedDeadLetters", new JsonObject(new java.util.LinkedHashMap<>(unattributed)));
    }
    return summary;
  }

  private JsonObject modelJson(String name, ModelWindows m, Span span) {
    JsonObject versions = new JsonObject();
    for (int version : m.versions(span)) {
      versions.put(String.valueOf(version), versionJson(m, version, span));
    }
    JsonObject lagJson = new JsonObject();
    List<String> topics = List.of(Topics.requests(name), Topics.results(name), Topics.shadow(name), "maas.feedback." + name);
    lag.groups().forEach((group, g) -> {
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
        lagJson.put(group, new JsonObject().put("records", records).put("seconds", round(seconds, 3))
            .put("status", g.status().name()));
      }
    });
    return new JsonObject()
        .put("deployment", m.deployment == null ? null : deploymentJson(m.deployment))
        .put("versions", versions)
        .put("deadLetters", new JsonObject(new java.util.LinkedHashMap<>(m.deadLetters.sum(span.fromSlot, span.toSlot))))
        .put("lag", lagJson);
  }

  private JsonObject versionJson(ModelWindows m, int version, Span span) {
    String role = m.role(version);
    Aggregate results = m.series(m.results, version, span);
    Aggregate shadow = m.series(m.shadow, version, span);
    Aggregate a = m.main(version, span);
    VersionProfile vp = m.profiles.get(version);
    ReferenceProfile profile = vp == null ? null : vp.profile;
    double seconds = Math.max(1, (span.asOf - span.from()) / 1000.0);
    double estimated = Estimate.accuracy(a.confidence(), profile);
    JsonObject json = new JsonObject()
        .put("role", role)
        .put("results", results.results())
        .put("shadowResults", shadow.results())
        .put("perSecond", round(a.results() / seconds, 3))
        .put("latencyMs", a.results() == 0 ? null : new JsonObject()
            .put("p50", a.latencyMs(50)).put("p95", a.latencyMs(95)).put("p99", a.latencyMs(99)).put("max", a.maxLatencyMs()))
        .put("labels", new JsonObject(new java.util.LinkedHashMap<>(a.labels())))
        .put("confidence", a.confidence().toJson())
        .put("timeline", m.timeline(version, span))
        .put("estimatedAccuracy", Double.isNaN(estimated) ? null : round(estimated, 4))
        .put("drift", drift.toJson(drift.judge(a, profile)))
        .put("profile", profileJson(vp))
        .put("agreement", a.compared() == 0 ? null : new JsonObject()
            .put("rate", round(a.agreeing() / (double) a.compared(), 4)).put("compared", a.compared()));
    if (a.labelled() > 0) {
      double realized = a.correct() / (double) a.labelled();
      json.put("realizedAccuracy", new JsonObject().put("accuracy", round(realized, 4)).put("labelled", a.labelled())
          .put("estimateError", Double.isNaN(estimated) ? null : round(estimated - realized, 4)));
    } else {
      json.put("realizedAccuracy", null);
    }
    return json;
  }

  private JsonObject profileJson(VersionProfile vp) {
    if (vp == null || (vp.profile == null && vp.bootstrap == null)) {
      return null;
    }
    if (vp.profile != null) {
      return new JsonObject().put("source", vp.profile.source()).put("examples", vp.profile.examples())
          .put("calibrated", vp.profile.calibrated());
    }
    return new JsonObject().put("source", ReferenceProfile.PRODUCTION).put("examples", vp.bootstrap.examples())
        .put("building", true).put("needs", profileResults);
  }

  private static JsonObject deploymentJson(ModelDeployment d) {
    return new JsonObject()
        .put("revision", d.revision())
        .put("production", d.production() == null ? null : d.production().version())
        .put("canary", d.canary() == null ? null
            : new JsonObject().put("version", d.canary().version()).put("weight", d.canary().weight()))
        .put("shadow", d.shadow() == null ? null : d.shadow().version());
  }

  private static List<ModelDeployment.Slot> slots(ModelDeployment d) {
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

  private Span span(Duration window) {
    long asOf = clock.millis();
    long toSlot = SeriesWindow.slotOf(asOf);
    long slots = Math.max(1, (window.toMillis() + SeriesWindow.SLOT_MILLIS - 1) / SeriesWindow.SLOT_MILLIS);
    return new Span(asOf, toSlot - slots + 1, toSlot);
  }

  /** A window as whole slots: from the start of {@code fromSlot} to {@code asOf}. */
  private record Span(long asOf, long fromSlot, long toSlot) {
    long from() {
      return fromSlot * SeriesWindow.SLOT_MILLIS;
    }
  }

  static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }

  /** A version's reference profile: the training one from the registry, or one built from its first answers. */
  private static final class VersionProfile {
    ReferenceProfile profile;
    ReferenceProfile.Builder bootstrap;
    boolean asking;
    boolean answered;
    long retryAt;

    void bootstrap(InferenceResult r, double top, int needed) {
      if (profile != null && ReferenceProfile.TRAINING.equals(profile.source())) {
        return;
      }
      if (profile == null) {
        if (bootstrap == null) {
          bootstrap = new ReferenceProfile.Builder(new ArrayList<>(r.scores().keySet()));
        }
        bootstrap.add(r.label(), top, r.descriptors(), null);
        if (bootstrap.examples() >= needed) {
          profile = bootstrap.build(ReferenceProfile.PRODUCTION, false);
          bootstrap = null;
        }
      }
    }
  }

  /** One model's windows. */
  private static final class ModelWindows {
    final Map<Integer, SeriesWindow> results = new HashMap<>();
    final Map<Integer, SeriesWindow> shadow = new HashMap<>();
    final Map<Integer, Role> lastRole = new HashMap<>();
    final Map<Integer, VersionProfile> profiles = new HashMap<>();
    final CountWindow deadLetters = new CountWindow();
    final Answers answers;
    ModelDeployment deployment;

    ModelWindows(int answersCapacity) {
      answers = new Answers(answersCapacity);
    }

    /** Deployed versions and versions with answers in the span, in order. */
    TreeSet<Integer> versions(Span span) {
      TreeSet<Integer> versions = new TreeSet<>();
      if (deployment != null) {
        slots(deployment).forEach(s -> versions.add(s.version()));
      }
      results.forEach((v, w) -> {
        if (w.newestSlot() >= span.fromSlot) {
          versions.add(v);
        }
      });
      shadow.forEach((v, w) -> {
        if (w.newestSlot() >= span.fromSlot) {
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
      return w == null ? Aggregate.empty() : w.aggregate(span.fromSlot, span.toSlot);
    }

    /** The answers a version is judged on: its shadow answers while it is the shadow, else its results. */
    Aggregate main(int version, Span span) {
      return series(mainTopic(version), version, span);
    }

    Map<Integer, SeriesWindow> mainTopic(int version) {
      boolean shadowRole = Role.SHADOW.code().equals(role(version))
          || (!results.containsKey(version) && shadow.containsKey(version));
      return shadowRole ? shadow : results;
    }

    /** The main series slot by slot over the span, for the page's charts. */
    JsonObject timeline(int version, Span span) {
      SeriesWindow w = mainTopic(version).get(version);
      return (w == null ? new SeriesWindow() : w).timeline(span.fromSlot, span.toSlot, span.asOf);
    }
  }
}
