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

  /** Records behind and the age in seconds of the oldest unprocessed record, on one topic. */
  public record TopicLag(long records, double seconds) {
  }

  public record Group(Map<String, TopicLag> topics, LagStatus status) {
  }
}
