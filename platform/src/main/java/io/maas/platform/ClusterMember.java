package io.maas.platform;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * One node's place in a Kafka cluster of several nodes, each broker and controller combined, with
 * a static KRaft quorum: every node is a voter, every node is started with the same voter list,
 * and every node's data directory is formatted with the same cluster id.
 *
 * @param nodeId    this node's {@code node.id}; one of the voters
 * @param voters    every node's controller listener, in the order given; becomes
 *                  {@code controller.quorum.voters}
 * @param clusterId the id all nodes share, a Kafka UUID: 16 bytes in URL-safe base64 without
 *                  padding, 22 characters ({@link #newClusterId()})
 */
public record ClusterMember(int nodeId, List<Voter> voters, String clusterId) {

  /** The fewest voters a cluster may have: with three, one may fail and a majority remains. */
  public static final int MIN_VOTERS = 3;

  /** A controller of the quorum: its node id and the address of its controller listener. */
  public record Voter(int id, String host, int port) {

    @Override
    public String toString() {
      return id + "@" + host + ":" + port;
    }
  }

  public ClusterMember {
    voters = List.copyOf(voters);
    if (voters.size() < MIN_VOTERS) {
      throw new IllegalArgumentException(
          "a cluster needs at least "
              + MIN_VOTERS
              + " voters, got "
              + voters.size()
              + "; run a single node without --voters");
    }
    Set<Integer> ids = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (Voter voter : voters) {
      if (!ids.add(voter.id())) {
        throw new IllegalArgumentException(
            "node id " + voter.id() + " appears twice in the voters " + render(voters));
      }
      if (!addresses.add(voter.host() + ":" + voter.port())) {
        throw new IllegalArgumentException(
            "two voters share the address " + voter.host() + ":" + voter.port());
      }
    }
    if (!ids.contains(nodeId)) {
      throw new IllegalArgumentException(
          "node id " + nodeId + " is not one of the voters " + render(voters));
    }
    try {
      Uuid.fromString(clusterId);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "the cluster id must be 16 bytes in URL-safe base64 (22 characters, as "
              + "--print-cluster-id or kafka-storage.sh random-uuid write), got "
              + clusterId);
    }
  }

  /**
   * Reads a voter list as {@code controller.quorum.voters} writes it:
   * {@code 1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293}.
   */
  public static ClusterMember parse(int nodeId, String voters, String clusterId) {
    List<Voter> parsed = new ArrayList<>();
    for (String entry : voters.split(",", -1)) {
      String voter = entry.strip();
      int at = voter.indexOf('@');
      int colon = voter.lastIndexOf(':');
      if (at <= 0 || colon <= at + 1 || colon == voter.length() - 1) {
        throw new IllegalArgumentException("a voter must read id@host:port, got '" + voter + "'");
      }
      parsed.add(
          new Voter(
              number("a voter's node id", voter.substring(0, at), 0, Integer.MAX_VALUE),
              voter.substring(at + 1, colon),
              number("a voter's port", voter.substring(colon + 1), 1, 65535)));
    }
    return new ClusterMember(nodeId, parsed, clusterId);
  }

  /** A new random cluster id, in the form Kafka's own tools write. */
  public static String newClusterId() {
    return Uuid.randomUuid().toString();
  }

  /** This node's own entry: where its controller listens. */
  public Voter self() {
    return voters.stream().filter(v -> v.id() == nodeId).findFirst().orElseThrow();
  }

  /** The value of {@code controller.quorum.voters}. */
  public String votersConfig() {
    return render(voters);
  }

  private static String render(List<Voter> voters) {
    return String.join(",", voters.stream().map(Voter::toString).toList());
  }

  private static int number(String what, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(
        what + " must be a number between " + min + " and " + max + ", got " + value);
  }
}
