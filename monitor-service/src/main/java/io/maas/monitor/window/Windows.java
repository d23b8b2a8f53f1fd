package io.maas.monitor.window;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Names;
import io.maas.common.event.Role;
import io.maas.common.profile.ReferenceProfile;
import io.maas.monitor.drift.DriftCheck;
import io.maas.monitor.drift.Estimate;
import io.maas.monitor.lag.LagView;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the monitor knows, for every model: each version's answers in windows of event
 * time, dead letters by reason, deployments, reference profiles, answers by id (agreement and
 * ground truth) and the consumer groups' lag. The stream reader writes it, the API and the
 * verdict timer read it; one lock guards it all (each call is short: a summary merges at most
 * 360 slots per series).
 */
public final class Windows {

  /** One model version, as the verdict timer and the gauges see it. */
  public record VersionVerdict(
      String model,
      int version,
      String role,
      long results,
      DriftCheck.Verdict drift,
      double estimatedAccuracy,
      Double agreement) {}

  private final DriftCheck drift;
  private final int profileResults;
  private final int answersCapacity;
  private final Clock clock;
  private final SummaryJson json;
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
    this.json = new SummaryJson(drift, profileResults);
  }

  private ModelWindows model(String name) {
    return models.computeIfAbsent(name, n -> new ModelWindows(answersCapacity));
  }

  /** An answer read from {@code maas.results.<model>} ({@code shadowTopic} false) or {@code maas.shadow.<model>}. */
  public synchronized void result(InferenceResult r, boolean shadowTopic) {
    ModelWindows m = model(r.model());
    if (shadowTopic && r.role() == Role.PRODUCTION) {
      // production's control answer to a canary's request: only there to be compared with it
      produced(
          m,
          m.answers.entry(r.id()),
          new Answers.Answer(r.version(), r.role(), r.label(), r.completedAt()));
      return;
    }
    double top = r.scores().getOrDefault(r.label(), 0.0);
    VersionProfile vp = m.profiles.computeIfAbsent(r.version(), v -> new VersionProfile());
    if (vp.profile == null || !ReferenceProfile.TRAINING.equals(vp.profile.source())) {
      vp.bootstrap(r, top, profileResults);
    }
    (shadowTopic ? m.shadow : m.results)
        .computeIfAbsent(r.version(), v -> new SeriesWindow())
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
      m.results
          .get(entry.result.version())
          .feedback(entry.result.at(), label.equals(entry.result.label()));
    }
  }

  public synchronized void deadLetter(DeadLetter letter) {
    if (letter.model() != null && Names.isValidModel(letter.model())) {
      ModelWindows m = model(letter.model());
      m.deadLetters.add(letter.failedAt(), letter.reason());
      if (letter.version() != null) {
        m.versionDeadLetters
            .computeIfAbsent(letter.version(), v -> new CountWindow())
            .add(letter.failedAt(), letter.reason());
      }
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
    models.forEach(
        (name, m) -> {
          m.profiles.forEach(
              (version, vp) -> {
                if (!vp.asking && !vp.answered && now >= vp.retryAt) {
                  vp.asking = true;
                  wanted.add(Map.entry(name, version));
                }
              });
          if (m.deployment != null) {
            for (ModelDeployment.Slot slot : ModelWindows.slots(m.deployment)) {
              VersionProfile vp =
                  m.profiles.computeIfAbsent(slot.version(), v -> new VersionProfile());
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
    Span span = Span.of(window, clock.millis());
    List<VersionVerdict> verdicts = new ArrayList<>();
    models.forEach(
        (name, m) -> {
          for (int version : m.versions(span)) {
            Aggregate a = m.main(version, span);
            ReferenceProfile profile =
                m.profiles.containsKey(version) ? m.profiles.get(version).profile : null;
            verdicts.add(
                new VersionVerdict(
                    name,
                    version,
                    m.role(version),
                    a.results(),
                    drift.judge(a, profile),
                    Estimate.accuracy(a.confidence(), profile),
                    a.compared() == 0 ? null : a.agreeing() / (double) a.compared()));
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
    Span span = Span.of(window, clock.millis());
    JsonObject modelsJson = new JsonObject();
    models.forEach(
        (name, m) -> {
          if (only == null || only.equals(name)) {
            modelsJson.put(name, json.model(name, m, span, lag));
          }
        });
    JsonObject summary =
        new JsonObject()
            .put("window", window.toString())
            .put("asOf", Instant.ofEpochMilli(span.asOf()).toString())
            .put("from", Instant.ofEpochMilli(span.from()).toString())
            .put("models", modelsJson);
    Map<String, Long> unattributed = unattributedDeadLetters.sum(span.fromSlot(), span.toSlot());
    if (!unattributed.isEmpty() && only == null) {
      summary.put(
          "unattributedDeadLetters", new JsonObject(new java.util.LinkedHashMap<>(unattributed)));
    }
    return summary;
  }
}
