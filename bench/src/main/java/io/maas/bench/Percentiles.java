package io.maas.bench;

/** The percentiles every run reports, by the nearest-rank method. */
final class Percentiles {

  private Percentiles() {}

  /** The {@code p}-th percentile of {@code sorted} (ascending), or -1 when it is empty. */
  static long of(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
