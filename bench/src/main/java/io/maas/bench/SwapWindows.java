package io.maas.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a swap run's latencies say, computed from the run's arrays alone: the steady p99 before
 * the PUT, the worst 5-second window holding requests sent at or after it, the worst window
 * before it (the noise floor), old answers after the first new one, and each second's figures.
 *
 * @param steadyP99      p99 of the requests sent after the warm-up and before the PUT
 * @param worstP99       the highest p99 of a 5-second window holding requests sent at or after the PUT (to the run's end)
 * @param worstStart     when that window's requests began to be sent (epoch ms)
 * @param worstBeforeP99 the highest p99 of a window that ended before the PUT
 * @param oldAfterNew    answers from another version that completed after the first from the new one
 * @param seconds        per second from the PUT: results, p50, p99, max and the versions that answered
 */
record SwapWindows(
    long steadyP99,
    long worstP99,
    long worstStart,
    long worstBeforeP99,
    int oldAfterNew,
    List<JsonObject> seconds) {

  /** Width of the windows whose p99 is compared with the steady one. */
  private static final long WINDOW_MILLIS = 5_000;

  /** Windows with fewer results than this say little about a p99. */
  private static final int MIN_WINDOW_RESULTS = 100;

  double ratio() {
    return steadyP99 <= 0 ? 0 : (double) worstP99 / steadyP99;
  }

  static SwapWindows of(
      long[] ingestedAt,
      long[] observed,
      long[] completedAt,
      int[] version,
      int to,
      long measuredFrom,
      long swapAt) {
    List<Integer> answered = new ArrayList<>();
    long firstNew = Long.MAX_VALUE;
    long lastSent = 0;
    for (int i = 0; i < version.length; i++) {
      if (version[i] < 0) {
        continue;
      }
      answered.add(i);
      lastSent = Math.max(lastSent, ingestedAt[i]);
      if (version[i] == to) {
        firstNew = Math.min(firstNew, completedAt[i]);
      }
    }
    int oldAfterNew = 0;
    List<Long> steady = new ArrayList<>();
    for (int i : answered) {
      if (version[i] != to && completedAt[i] > firstNew) {
        oldAfterNew++;
      }
      if (ingestedAt[i] >= measuredFrom && ingestedAt[i] < swapAt) {
        steady.add(observed[i] - ingestedAt[i]);
      }
    }
    long worst = -1;
    long worstStart = 0;
    long worstBefore = -1;
    for (long from = measuredFrom; from + WINDOW_MILLIS <= lastSent; from += 1000) {
      List<Long> window = latencies(answered, ingestedAt, observed, from, from + WINDOW_MILLIS);
      if (window.size() < MIN_WINDOW_RESULTS) {
        continue;
      }
      long p99 = p99(window);
      if (from + WINDOW_MILLIS <= swapAt) {
        worstBefore = Math.max(worstBefore, p99);
      } else if (p99 > worst) {
        worst = p99;
        worstStart = from;
      }
    }
    List<JsonObject> seconds = new ArrayList<>();
    for (long from = swapAt - (swapAt - measuredFrom) / 1000 * 1000;
        from < lastSent;
        from += 1000) {
      List<Long> second = latencies(answered, ingestedAt, observed, from, from + 1000);
      if (second.isEmpty()) {
        continue;
      }
      JsonObject versions = new JsonObject();
      for (int i : answered) {
        if (ingestedAt[i] >= from && ingestedAt[i] < from + 1000) {
          versions.put("v" + version[i], versions.getInteger("v" + version[i], 0) + 1);
        }
      }
      long[] sorted = second.stream().mapToLong(Long::longValue).sorted().toArray();
      seconds.add(
          new JsonObject()
              .put("second", (int) Math.floorDiv(from - swapAt, 1000))
              .put("results", sorted.length)
              .put("p50", Percentiles.of(sorted, 50))
              .put("p99", Percentiles.of(sorted, 99))
              .put("max", sorted[sorted.length - 1])
              .put("versions", versions));
    }
    return new SwapWindows(p99(steady), worst, worstStart, worstBefore, oldAfterNew, seconds);
  }

  private static List<Long> latencies(
      List<Integer> answered, long[] ingestedAt, long[] observed, long from, long until) {
    List<Long> out = new ArrayList<>();
    for (int i : answered) {
      if (ingestedAt[i] >= from && ingestedAt[i] < until) {
        out.add(observed[i] - ingestedAt[i]);
      }
    }
    return out;
  }

  private static long p99(List<Long> latencies) {
    return Percentiles.of(latencies.stream().mapToLong(Long::longValue).sorted().toArray(), 99);
  }
}
