package io.maas.common.kafka;

import java.util.Map;

/**
 * A topic as its owner wants it. Replication follows the broker's default.
 *
 * @param configs topic-level configs, applied on creation and re-applied on every start
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

  public TopicSpec {
    configs = Map.copyOf(configs);
  }
}
