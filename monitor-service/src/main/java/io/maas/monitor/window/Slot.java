package io.maas.monitor.window;

import io.maas.common.profile.Distribution;
import io.maas.common.profile.ReferenceProfile;
import io.maas.common.profile.TextDescriptors;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.IntCountsHistogram;

/** What one series saw in one slot of event time; cleared and reused when the ring comes round. */
final class Slot {

  /** Latencies are recorded in milliseconds up to a minute (longer ones count as a minute), two significant digits. */
  static final long MAX_LATENCY_MS = 60_000;

  long index = Long.MIN_VALUE;
  long results;
  final Map<String, Long> labels = new HashMap<>();
  final Distribution confidence = ReferenceProfile.confidenceBins();
  final Map<String, Distribution> descriptors = new LinkedHashMap<>();

  /** Allocated on first use: most slots of a quiet series never need one. */
  IntCountsHistogram latency;

  long compared;
  long agreeing;
  long labelled;
  long correct;

  Slot() {
    TextDescriptors.NAMES.forEach(n -> descriptors.put(n, TextDescriptors.bins(n)));
  }

  void reset(long index) {
    this.index = index;
    results = 0;
    labels.clear();
    confidence.clear();
    descriptors.values().forEach(Distribution::clear);
    if (latency != null) {
      latency.reset();
    }
    compared = 0;
    agreeing = 0;
    labelled = 0;
    correct = 0;
  }

  IntCountsHistogram latency() {
    if (latency == null) {
      latency = new IntCountsHistogram(MAX_LATENCY_MS, 2);
    }
    return latency;
  }
}
