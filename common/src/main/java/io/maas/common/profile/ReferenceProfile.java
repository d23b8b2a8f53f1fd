package io.maas.common.profile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model version's answers look like on data it was not trained on: the reference the
 * monitor compares production traffic with. The trainer builds it on the held-out test split
 * and stores it as {@code "profile"} in {@code maas-model.json}; for a version without one the
 * monitor builds it from the version's first production results ({@code source} "production").
 *
 * <pre>
 * {"source":"training","examples":1234,
 *  "labels":{"ham":800,"spam":434},                 predicted labels
 *  "actual":{"ham":810,"spam":424},                 true labels (training profiles only)
 *  "confidence":{"edges":[...],"counts":[...]},      top-class probability
 *  "calibration":{"edges":[...],"counts":[...],"correct":[...]},  answers and right answers per confidence bin
 *  "descriptors":{"chars":{...},"words":{...},"unseenWords":{...},"nonLetters":{...}}}
 * </pre>
 *
 * <p>The drift parts (labels, confidence, descriptors) describe one kind of text, the one the
 * version's traffic is compared with. The calibration table may hold more answers than they do:
 * the trainer adds the same held-out messages seen as bodies and their first 300 and 60
 * characters, so that the accuracy of the less confident bins, where short texts land, is
 * measured on more than a handful of answers. A profile written before had the confidence's
 * counts there, and reads as before.
 */
public record ReferenceProfile(
    String source,
    long examples,
    Map<String, Long> labels,
    Map<String, Long> actual,
    Distribution confidence,
    Distribution calibration,
    long[] correct,
    Map<String, Distribution> descriptors) {

  public static final String TRAINING = "training";
  public static final String PRODUCTION = "production";

  /** The bins of the top-class probability, shared by profiles, calibration tables and the monitor. */
  public static Distribution confidenceBins() {
    return new Distribution(
        new double[] {0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 1.0000001});
  }

  public ReferenceProfile {
    labels = Map.copyOf(labels);
    actual = actual == null ? null : Map.copyOf(actual);
    descriptors = Map.copyOf(descriptors);
    if ((correct == null) != (calibration == null)
        || correct != null
            && (correct.length != confidence.bins() || !calibration.sameBins(confidence))) {
      throw new IllegalArgumentException(
          "the calibration table needs the confidence's bins, and a right-answer count per bin");
    }
  }

  /** Accuracy among held-out answers in a confidence bin; NaN without a calibration table or answers there. */
  public double accuracy(int bin) {
    if (correct == null || calibration.count(bin) == 0) {
      return Double.NaN;
    }
    return correct[bin] / (double) calibration.count(bin);
  }

  /** Held-out answers the calibration table has in a confidence bin; 0 without a table. */
  public long calibrationAnswers(int bin) {
    return calibration == null ? 0 : calibration.count(bin);
  }

  public boolean calibrated() {
    return correct != null;
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("source", source)
            .put("examples", examples)
            .put("labels", new JsonObject(new LinkedHashMap<>(labels)));
    if (actual != null) {
      json.put("actual", new JsonObject(new LinkedHashMap<>(actual)));
    }
    json.put("confidence", confidence.toJson());
    if (correct != null) {
      JsonArray c = new JsonArray();
      for (long n : correct) {
        c.add(n);
      }
      json.put("calibration", calibration.toJson().put("correct", c));
    }
    JsonObject d = new JsonObject();
    for (String name : TextDescriptors.NAMES) {
      if (descriptors.containsKey(name)) {
        d.put(name, descriptors.get(name).toJson());
      }
    }
    return json.put("descriptors", d);
  }

  /** @throws IllegalArgumentException when the JSON is not a profile */
  public static ReferenceProfile fromJson(JsonObject json) {
    try {
      Distribution confidence = Distribution.fromJson(json.getJsonObject("confidence"));
      long[] correct = null;
      Distribution answers = null;
      JsonObject calibration = json.getJsonObject("calibration");
      if (calibration != null) {
        answers = Distribution.fromJson(calibration);
        JsonArray c = calibration.getJsonArray("correct");
        correct = new long[c.size()];
        for (int i = 0; i < correct.length; i++) {
          correct[i] = ((Number) c.getValue(i)).longValue();
        }
      }
      Map<String, Distribution> descriptors = new LinkedHashMap<>();
      JsonObject d = json.getJsonObject("descriptors", new JsonObject());
      for (String name : d.fieldNames()) {
        descriptors.put(name, Distribution.fromJson(d.getJsonObject(name)));
      }
      return new ReferenceProfile(
          json.getString("source", TRAINING),
          json.getLong("examples", 0L),
          counts(json.getJsonObject("labels")),
          json.containsKey("actual") ? counts(json.getJsonObject("actual")) : null,
          confidence,
          answers,
          correct,
          descriptors);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not a reference profile: " + e.getMessage(), e);
    }
  }

  private static Map<String, Long> counts(JsonObject json) {
    Map<String, Long> counts = new LinkedHashMap<>();
    json.forEach(e -> counts.put(e.getKey(), ((Number) e.getValue()).longValue()));
    return counts;
  }

  /** Accumulates answers into a profile. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Long> labels = new LinkedHashMap<>();
    private final Map<String, Long> actual = new LinkedHashMap<>();
    private final Distribution confidence = confidenceBins();
    private final Distribution calibration = confidenceBins();
    private final long[] correct = new long[confidence.bins()];
    private final Map<String, Distribution> descriptors = new LinkedHashMap<>();
    private long examples;

    /** @param classes the model's classes, so that a class never predicted still counts 0 */
    public Builder(List<String> classes) {
      classes.forEach(
          c -> {
            labels.put(c, 0L);
            actual.put(c, 0L);
          });
      TextDescriptors.NAMES.forEach(n -> descriptors.put(n, TextDescriptors.bins(n)));
    }

    /**
     * @param descriptors null when the answer came without them
     * @param truth       the true label, or null when unknown
     */
    public Builder add(
        String predicted, double topProbability, TextDescriptors descriptors, String truth) {
      examples++;
      labels.merge(predicted, 1L, Long::sum);
      confidence.add(topProbability);
      if (truth != null) {
        actual.merge(truth, 1L, Long::sum);
        calibrate(predicted, topProbability, truth);
      }
      if (descriptors != null) {
        for (String name : TextDescriptors.NAMES) {
          double v = descriptors.value(name);
          if (!Double.isNaN(v)) {
            this.descriptors.get(name).add(v);
          }
        }
      }
      return this;
    }

    /**
     * Counts an answer in the calibration table only: the same held-out text seen another way
     * (its body, a cut of it), which the drift parts of the profile do not describe.
     */
    public Builder calibrate(String predicted, double topProbability, String truth) {
      calibration.add(topProbability);
      if (truth.equals(predicted)) {
        correct[calibration.bin(topProbability)]++;
      }
      return this;
    }

    public long examples() {
      return examples;
    }

    /** @param withTruth whether {@link #add} was given true labels (a calibration table is kept) */
    public ReferenceProfile build(String source, boolean withTruth) {
      Map<String, Distribution> kept = new LinkedHashMap<>();
      descriptors.forEach(
          (name, d) -> {
            if (d.total() > 0) {
              kept.put(name, d.copy());
            }
          });
      return new ReferenceProfile(
          source,
          examples,
          labels,
          withTruth ? actual : null,
          confidence.copy(),
          withTruth ? calibration.copy() : null,
          withTruth ? correct.clone() : null,
          kept);
    }
  }
}
