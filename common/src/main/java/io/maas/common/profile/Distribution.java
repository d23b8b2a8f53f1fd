package io.maas.common.profile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * Counts of values in fixed bins: {@code edges} e0 &lt; e1 &lt; ... &lt; ek make k bins, bin i
 * holding e(i) &lt;= v &lt; e(i+1); values below e0 count in the first bin, values from ek up in
 * the last. JSON: {@code {"edges":[...],"counts":[...]}}. Mutable, not thread-safe: one owner.
 */
public final class Distribution {

  private final double[] edges;
  private final long[] counts;

  public Distribution(double[] edges) {
    this(edges, new long[edges.length - 1]);
  }

  public Distribution(double[] edges, long[] counts) {
    if (edges.length < 2 || counts.length != edges.length - 1) {
      throw new IllegalArgumentException("a distribution needs k+1 increasing edges for k counts");
    }
    for (int i = 1; i < edges.length; i++) {
      if (!(edges[i] > edges[i - 1])) {
        throw new IllegalArgumentException("edges must increase: " + Arrays.toString(edges));
      }
    }
    this.edges = edges.clone();
    this.counts = counts.clone();
  }

  /** An empty distribution over the same bins. */
  public Distribution emptyCopy() {
    return new Distribution(edges);
  }

  public Distribution copy() {
    return new Distribution(edges, counts);
  }

  /** The bin a value falls in. */
  public int bin(double value) {
    // few bins: a linear scan beats a binary search and keeps NaN in the first bin
    for (int i = counts.length - 1; i > 0; i--) {
      if (value >= edges[i]) {
        return i;
      }
    }
    return 0;
  }

  public void add(double value) {
    counts[bin(value)]++;
  }

  public void clear() {
    java.util.Arrays.fill(counts, 0);
  }

  /** Adds another distribution's counts; its edges must be these. */
  public void addAll(Distribution other) {
    if (!Arrays.equals(edges, other.edges)) {
      throw new IllegalArgumentException("distributions over different bins");
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
  }

  public int bins() {
    return counts.length;
  }

  public long count(int bin) {
    return counts[bin];
  }

  public long total() {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }

  public double[] edges() {
    return edges.clone();
  }

  public long[] counts() {
    return counts.clone();
  }

  public boolean sameBins(Distribution other) {
    return Arrays.equals(edges, other.edges);
  }

  public JsonObject toJson() {
    JsonArray e = new JsonArray();
    for (double edge : edges) {
      e.add(edge);
    }
    JsonArray c = new JsonArray();
    for (long count : counts) {
      c.add(count);
    }
    return new JsonObject().put("edges", e).put("counts", c);
  }

  public static Distribution fromJson(JsonObject json) {
    JsonArray e = json.getJsonArray("edges");
    JsonArray c = json.getJsonArray("counts");
    if (e == null || c == null) {
      throw new IllegalArgumentException("a distribution needs 'edges' and 'counts'");
    }
    double[] edges = new double[e.size()];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = ((Number) e.getValue(i)).doubleValue();
    }
    long[] counts = new long[c.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = ((Number) c.getValue(i)).longValue();
    }
    return new Distribution(edges, counts);
  }
}
