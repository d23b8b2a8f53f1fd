package io.maas.model.features;

import java.util.Arrays;

/**
 * The (text, bucket) pairs of a batch as {@link WordFeaturizer} finds them: each bucket once per
 * text, in the order of its first appearance, as TensorFlow's {@code Unique} keeps them. A text's
 * buckets so far are an open-addressing set whose slots are marked with the text's number, so
 * that starting the next text clears nothing.
 */
final class TextBuckets {

  private long[] bucket = new long[256];
  private long[] document = new long[256];
  private int size;
  private long[] keys = new long[0];
  private int[] marks = new int[0];
  private int mark;

  /** Starts a text of at most {@code terms} terms: its set is empty. */
  void beginText(int terms) {
    int capacity = Integer.highestOneBit(Math.max(16, terms * 2 - 1)) << 1;
    if (capacity > keys.length) {
      keys = new long[capacity];
      marks = new int[capacity];
      mark = 0;
    }
    if (++mark == 0) {
      Arrays.fill(marks, 0);
      mark = 1;
    }
  }

  /** Adds bucket {@code b} of text {@code d} unless the text has it already. */
  void add(int d, long b) {
    int mask = keys.length - 1;
    int slot = (int) ((b * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    while (marks[slot] == mark) {
      if (keys[slot] == b) {
        return;
      }
      slot = (slot + 1) & mask;
    }
    marks[slot] = mark;
    keys[slot] = b;
    if (size == bucket.length) {
      bucket = Arrays.copyOf(bucket, size * 2);
      document = Arrays.copyOf(document, size * 2);
    }
    bucket[size] = b;
    document[size++] = d;
  }

  /** The buckets, the first {@link #size()} of them set. */
  long[] bucket() {
    return bucket;
  }

  /** The text of each bucket. */
  long[] document() {
    return document;
  }

  int size() {
    return size;
  }
}
