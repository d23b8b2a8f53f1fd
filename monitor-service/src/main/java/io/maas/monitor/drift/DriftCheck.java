package io.maas.monitor.drift;

import io.maas.common.profile.Distribution;
import io.maas.common.profile.ReferenceProfile;
import io.maas.monitor.window.Aggregate;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Compares a window of a version's answers with the version's reference profile: the predicted
 * label mix, the top-class probability, and each text descriptor. A check drifts when its PSI or
 * its Jensen-Shannon distance reaches the threshold; the version drifts when any check does.
 * Below {@code minResults} answers nothing is judged: PSI over few answers is mostly noise
 * (its expectation under no shift is about (bins - 1) / n).
 *
 * @param psiThreshold PSI at which a check drifts (0.2, the usual rule of thumb)
 * @param jsThreshold  Jensen-Shannon distance at which a check drifts (0.1, Evidently's default)
 * @param minResults   answers a window needs before it is judged
 */
public record DriftCheck(double psiThreshold, double jsThreshold, int minResults) {

  public static final String LABELS = "labels";
  public static final String CONFIDENCE = "confidence";

  /** One check's distances. */
  public record Check(double psi, double js, boolean drifted) {
    JsonObject toJson() {
      return new JsonObject().put("psi", round(psi)).put("js", round(js)).put("drifted", drifted);
    }
  }

  /**
   * @param score   the largest PSI of the checks; NaN when not judged
   * @param judged  whether the window had enough answers
   */
  public record Verdict(double score, boolean drifted, boolean judged, Map<String, Check> checks) {

    /** The worst check, by PSI. */
    public String worst() {
      return checks.entrySet().stream()
          .max(Map.Entry.comparingByValue((a, b) -> Double.compare(a.psi(), b.psi())))
          .map(Map.Entry::getKey)
          .orElse(null);
    }
  }

  public Verdict judge(Aggregate window, ReferenceProfile profile) {
    if (profile == null || window.results() < minResults) {
      return new Verdict(Double.NaN, false, false, Map.of());
    }
    Map<String, Check> checks = new LinkedHashMap<>();
    Set<String> classes = new LinkedHashSet<>(profile.labels().keySet());
    classes.addAll(window.labels().keySet());
    long[] expected = new long[classes.size()];
    long[] actual = new long[classes.size()];
    int i = 0;
    for (String c : classes) {
      expected[i] = profile.labels().getOrDefault(c, 0L);
      actual[i] = window.labels().getOrDefault(c, 0L);
      i++;
    }
    checks.put(LABELS, check(expected, actual));
    checks.put(CONFIDENCE, check(profile.confidence(), window.confidence()));
    profile
        .descriptors()
        .forEach(
            (name, reference) -> {
              Distribution observed = window.descriptors().get(name);
              // a descriptor the results do not carry (an older inference service) is not judged
              if (observed != null
                  && observed.total() > 0
                  && reference.total() > 0
                  && reference.sameBins(observed)) {
                checks.put(name, check(reference, observed));
              }
            });
    double score = checks.values().stream().mapToDouble(Check::psi).max().orElse(0);
    boolean drifted = checks.values().stream().anyMatch(Check::drifted);
    return new Verdict(score, drifted, true, checks);
  }

  private Check check(Distribution reference, Distribution observed) {
    if (!reference.sameBins(observed)) {
      throw new IllegalArgumentException("the profile's bins differ from the monitor's");
    }
    return check(reference.counts(), observed.counts());
  }

  private Check check(long[] expected, long[] actual) {
    double psi = Divergence.psi(expected, actual);
    double js = Divergence.jensenShannon(expected, actual);
    return new Check(psi, js, psi >= psiThreshold || js >= jsThreshold);
  }

  public JsonObject toJson(Verdict verdict) {
    JsonObject checks = new JsonObject();
    verdict.checks().forEach((name, check) -> checks.put(name, check.toJson()));
    return new JsonObject()
        .put("score", verdict.judged() ? round(verdict.score()) : null)
        .put("threshold", psiThreshold)
        .put("jsThreshold", jsThreshold)
        .put("drifted", verdict.drifted())
        .put("judged", verdict.judged())
        .put("minResults", minResults)
        .put("worst", verdict.worst())
        .put("checks", checks);
  }

  static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
