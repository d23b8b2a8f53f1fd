package io.maas.common.kafka;

import java.time.Duration;
import java.util.Map;

/**
 * How long, and how much, a model's data topics keep: requests, results and shadow answers.
 * Kafka deletes whole closed segments, so segments are cut small enough (at most an hour, at most
 * a quarter of the size limit) that neither limit is overshot by more than a segment.
 *
 * <p>Retention also bounds a backlog: requests older than {@code time}, or beyond {@code
 * bytesPerPartition} in a partition, are deleted whether inference has read them or not. The
 * consumer lag alerts fire long before (docs/RELIABILITY.md).
 *
 * @param time              {@code retention.ms}
 * @param bytesPerPartition {@code retention.bytes}: Kafka applies it to each partition
 */
public record Retention(Duration time, long bytesPerPartition) {

  /** A day, and 1 GiB per partition (6 GiB for a six-partition request topic). */
  public static final Retention DEFAULT = new Retention(Duration.ofHours(24), 1024L * 1024 * 1024);

  /** Kafka's smallest segment is 1 MiB; below 4 MiB per partition the limit would be one segment. */
  public static final long MIN_BYTES_PER_PARTITION = 4L * 1024 * 1024;

  private static final long MAX_SEGMENT_BYTES = 256L * 1024 * 1024;
  private static final Duration MAX_SEGMENT_TIME = Duration.ofHours(1);

  public Retention {
    if (time.isNegative() || time.isZero()) {
      throw new IllegalArgumentException("retention time must be positive, got " + time);
    }
    if (bytesPerPartition < MIN_BYTES_PER_PARTITION) {
      throw new IllegalArgumentException(
          "retention must keep at least "
              + MIN_BYTES_PER_PARTITION
              + " bytes per partition, got "
              + bytesPerPartition);
    }
  }

  /** The topic configs that implement it. */
  public Map<String, String> configs() {
    Duration segmentTime =
        time.dividedBy(4).compareTo(MAX_SEGMENT_TIME) < 0 ? time.dividedBy(4) : MAX_SEGMENT_TIME;
    long segmentBytes = Math.min(MAX_SEGMENT_BYTES, bytesPerPartition / 4);
    return Map.of(
        "retention.ms", String.valueOf(time.toMillis()),
        "retention.bytes", String.valueOf(bytesPerPartition),
        "segment.ms", String.valueOf(Math.max(1_000, segmentTime.toMillis())),
        "segment.bytes", String.valueOf(Math.max(1024 * 1024, segmentBytes)));
  }
}
