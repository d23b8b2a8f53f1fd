package io.maas.platform;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The broker properties of an {@link EmbeddedKafka} node in KRaft mode (broker and controller
 * combined): its listeners, its log directory, no topic auto-creation, no initial rebalance delay,
 * small cleaner and thread pools, and the replication that suits a single node or a cluster node.
 * A cluster node replicates so that topics created without an explicit replication factor survive
 * the loss of one node and acks=all writes go on with the other two.
 */
final class BrokerProperties {

  private BrokerProperties() {}

  /** The whole of a single-node cluster: replication and min ISR 1, one offsets partition. */
  static Properties singleNode(Path logDir, String host, int port, int controllerPort) {
    Properties p = commonProperties(logDir, host, port, host, controllerPort);
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", host + ":" + controllerPort);
    replication(p, 1, 1, 1);
    return p;
  }

  /**
   * One node of a cluster with a static quorum: default replication factor 3 and min ISR 2, also
   * for the offsets and transaction state topics (three partitions each).
   */
  static Properties clusterNode(Path logDir, String host, int port, ClusterMember member) {
    ClusterMember.Voter self = member.self();
    Properties p = commonProperties(logDir, host, port, self.host(), self.port());
    p.setProperty("node.id", String.valueOf(member.nodeId()));
    // A static quorum: every node knows every voter, so no node needs --standalone or
    // --initial-controllers when formatted (kraft.version 0).
    p.setProperty("controller.quorum.voters", member.votersConfig());
    replication(p, 3, 3, 2);
    return p;
  }

  /**
   * Replication of every topic by default and of Kafka's internal topics (consumer offsets,
   * transaction and share state, with {@code partitions} partitions each where Kafka asks).
   */
  private static void replication(Properties p, int partitions, int replicas, int minIsr) {
    p.setProperty("default.replication.factor", String.valueOf(replicas));
    p.setProperty("min.insync.replicas", String.valueOf(minIsr));
    p.setProperty("offsets.topic.num.partitions", String.valueOf(partitions));
    p.setProperty("offsets.topic.replication.factor", String.valueOf(replicas));
    p.setProperty("transaction.state.log.num.partitions", String.valueOf(partitions));
    p.setProperty("transaction.state.log.replication.factor", String.valueOf(replicas));
    p.setProperty("transaction.state.log.min.isr", String.valueOf(minIsr));
    p.setProperty("share.coordinator.state.topic.replication.factor", String.valueOf(replicas));
    p.setProperty("share.coordinator.state.topic.min.isr", String.valueOf(minIsr));
  }

  private static Properties commonProperties(
      Path logDir, String host, int port, String controllerHost, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty(
        "listeners",
        "PLAINTEXT://"
            + host
            + ":"
            + port
            + ",CONTROLLER://"
            + controllerHost
            + ":"
            + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("auto.create.topics.enable", "false");
    // The cleaner's dedupe buffer defaults to 128 MiB of heap; compacted topics here are tiny.
    p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    p.setProperty("log.cleaner.threads", "1");
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "4");
    return p;
  }
}
