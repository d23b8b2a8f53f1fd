package io.maas.monitor.lag;

import java.util.Map;

/**
 * The latest look at every consumer group with offsets on maas topics.
 *
 * @param groups group id to its lag per topic and its status
 * @param at     when it was taken, epoch milliseconds
 */
public record LagView(Map<String, Group> groups, long at) {

  public static final LagView NONE = new LagView(Map.of(), 0);

  /**
   * One group on one topic: records behind, the age in seconds of the oldest unprocessed record,
   * and the sum of its committed offsets and of the topic's log ends (both only grow: their
   * rates are records consumed and records written, which SLOs divide).
   */
  public record TopicLag(long records, double seconds, long committed, long end) {}

  public record Group(Map<String, TopicLag> topics, LagStatus status) {}
}
