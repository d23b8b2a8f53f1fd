package io.maas.monitor.window;

import io.maas.common.profile.Distribution;
import io.maas.common.profile.ReferenceProfile;
import io.maas.common.profile.TextDescriptors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** A series summed over the slots of a window. */
public final class Aggregate {

  long results;
  final Map<String, Long> labels = new TreeMap<>();
  final Distribution confidence = ReferenceProfile.confidenceBins();
  final Map<String, Distribution> descriptors = new LinkedHashMap<>();
  final Histogram latency = new Histogram(Slot.MAX_LATENCY_MS, 2);
  long compared;
  long agreeing;
  long labelled;
  long correct;

  Aggregate() {
    TextDescriptors.NAMES.forEach(n -> descriptors.put(n, TextDescriptors.bins(n)));
  }

  void add(Slot slot) {
    results += slot.results;
    slot.labels.forEach((label, n) -> labels.merge(label, n, Long::sum));
    confidence.addAll(slot.confidence);
    slot.descriptors.forEach((name, d) -> descriptors.get(name).addAll(d));
    if (slot.latency != null) {
      latency.add(slot.latency);
    }
    compared += slot.compared;
    agreeing += slot.agreeing;
    labelled += slot.labelled;
    correct += slot.correct;
  }

  /** Adds another aggregate (a version's answers on both topics, for instance). */
  public void add(Aggregate other) {
    results += other.results;
    other.labels.forEach((label, n) -> labels.merge(label, n, Long::sum));
    confidence.addAll(other.confidence);
    other.descriptors.forEach((name, d) -> descriptors.get(name).addAll(d));
    latency.add(other.latency);
    compared += other.compared;
    agreeing += other.agreeing;
    labelled += other.labelled;
    correct += other.correct;
  }

  public static Aggregate empty() {
    return new Aggregate();
  }

  public long results() {
    return results;
  }

  /** Label counts, sorted by label. */
  public Map<String, Long> labels() {
    return labels;
  }

  public Distribution confidence() {
    return confidence;
  }

  public Map<String, Distribution> descriptors() {
    return descriptors;
  }

  /** The latency at a percentile (0-100), in milliseconds; NaN without results. */
  public double latencyMs(double percentile) {
    return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile);
  }

  public double maxLatencyMs() {
    return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue();
  }

  /** Answers compared with production's for the same ids, and how many of them agreed. */
  public long compared() {
    return compared;
  }

  public long agreeing() {
    return agreeing;
  }

  /** Answers with ground truth from {@code maas.feedback.<model>}, and how many were right. */
  public long labelled() {
    return labelled;
  }

  public long correct() {
    return correct;
  }
}
