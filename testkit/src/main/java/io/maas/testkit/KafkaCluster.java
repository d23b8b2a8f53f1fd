package io.maas.testkit;

import io.maas.platform.BrokerMain;
import io.maas.platform.ClusterMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of three nodes for tests: each node a {@link BrokerMain} in its own JVM (broker
 * and controller combined, 512 MiB heap), one static KRaft quorum, free ports, data and logs under
 * a directory the caller owns (a {@code @TempDir}). Topics created without a replication factor
 * get three replicas and a min ISR of two, so the cluster goes on serving with one node down.
 *
 * <p>{@link #kill(int)} is a crash (SIGKILL); {@link #restart(int)} starts the node again on its
 * ports and data. {@link #close()} kills every node: a test's cluster is thrown away, and a
 * controlled shutdown of the last nodes would only wait for a quorum that is going away.
 */
public final class KafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODES = 3;
  private static final String HEAP = "512m";
  private static final Duration READY = Duration.ofSeconds(180);

  private final Path dir;
  private final String voters;
  private final String clusterId;
  private final Map<Integer, Integer> clientPorts;
  private final Map<Integer, ServiceProcess> processes = new TreeMap<>();
  private final Map<Integer, Path> logs = new TreeMap<>();
  private final Map<Integer, Integer> starts = new TreeMap<>();

  private KafkaCluster(
      Path dir, String voters, String clusterId, Map<Integer, Integer> clientPorts) {
    this.dir = dir;
    this.voters = voters;
    this.clusterId = clusterId;
    this.clientPorts = clientPorts;
  }

  /** Starts three nodes together (a node serves only once a majority runs) and waits until all serve. */
  public static KafkaCluster start(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> voters = new ArrayList<>();
    Map<Integer, Integer> clientPorts = new LinkedHashMap<>();
    for (int node = 1; node <= NODES; node++) {
      voters.add(new ClusterMember.Voter(node, HOST, freePort()).toString());
      clientPorts.put(node, freePort());
    }
    KafkaCluster cluster =
        new KafkaCluster(dir, String.join(",", voters), ClusterMember.newClusterId(), clientPorts);
    long started = System.nanoTime();
    try {
      clientPorts.keySet().forEach(cluster::launch);
      clientPorts.keySet().forEach(cluster::awaitServing);
      cluster.awaitBrokers(clientPorts.keySet());
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    LOG.info(
        "Kafka cluster of {} nodes ready at {} in {} ms (data and logs in {})",
        NODES,
        cluster.bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        dir);
    return cluster;
  }

  /** Every node's client address, as clients should be given it. */
  public String bootstrapServers() {
    return clientPorts.values().stream()
        .map(port -> HOST + ":" + port)
        .collect(Collectors.joining(","));
  }

  /** The cluster as a {@link TestKafka} (kind {@code cluster}), for the plain-client helpers. */
  public TestKafka kafka() {
    return TestKafka.of(bootstrapServers(), "cluster");
  }

  public List<Integer> nodeIds() {
    return List.copyOf(clientPorts.keySet());
  }

  public boolean isRunning(int node) {
    ServiceProcess process = processes.get(node);
    return process != null && process.isAlive();
  }

  /** A node's log of its latest start. */
  public Path log(int node) {
    return logs.get(node);
  }

  /** SIGKILL: the node crashes, as on a power loss of its machine; returns once the process is gone. */
  public void kill(int node) {
    ServiceProcess process = process(node);
    process.kill();
    process.awaitExit(Duration.ofSeconds(30));
    LOG.info("Killed Kafka node {} (SIGKILL)", node);
  }

  /** Starts a stopped node again on its ports and data; returns once it and every other running node serve. */
  public void restart(int node) {
    if (isRunning(node)) {
      throw new IllegalStateException("Kafka node " + node + " is still running");
    }
    long started = System.nanoTime();
    launch(node);
    awaitServing(node);
    awaitBrokers(processes.keySet().stream().filter(this::isRunning).collect(Collectors.toSet()));
    LOG.info(
        "Kafka node {} serves again after {} ms",
        node,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Override
  public void close() {
    for (ServiceProcess process : processes.values()) {
      process.kill();
    }
    for (ServiceProcess process : processes.values()) {
      if (process.isAlive()) {
        process.awaitExit(Duration.ofSeconds(30));
      }
    }
  }

  private void launch(int node) {
    int run = starts.merge(node, 1, Integer::sum);
    Path log =
        dir.resolve(run == 1 ? "node-" + node + ".log" : "node-" + node + ".run-" + run + ".log");
    processes.put(
        node,
        ServiceProcess.start(
            BrokerMain.class,
            HEAP,
            Map.of(),
            log,
            "--node-id",
            String.valueOf(node),
            "--voters",
            voters,
            "--cluster-id",
            clusterId,
            "--listen",
            HOST + ":" + clientPorts.get(node),
            "--data",
            dir.resolve("node-" + node).toString()));
    logs.put(node, log);
  }

  private void awaitServing(int node) {
    ServiceProcess process = process(node);
    long deadline = System.nanoTime() + READY.toNanos();
    while (!process.log().contains("Kafka broker ready on")) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Kafka node " + node + " exited while starting; its log ends:\n" + tail(process.log()));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Kafka node "
                + node
                + " did not serve within "
                + READY
                + "; its log ends:\n"
                + tail(process.log()));
      }
      pause();
    }
  }

  /** Waits until the cluster's metadata lists {@code nodes} as live brokers. */
  private void awaitBrokers(Set<Integer> nodes) {
    long deadline = System.nanoTime() + READY.toNanos();
    Set<Integer> live = Set.of();
    try (Admin admin = kafka().admin()) {
      while (true) {
        try {
          live =
              new HashSet<>(
                  admin
                      .describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                      .nodes()
                      .get(10, TimeUnit.SECONDS)
                      .stream()
                      .map(Node::id)
                      .toList());
          if (live.containsAll(nodes)) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the Kafka cluster", e);
        } catch (Exception e) {
          // a node still joining: ask again
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the Kafka cluster lists brokers "
                  + live
                  + " after "
                  + READY
                  + " where "
                  + nodes
                  + " should serve");
        }
        pause();
      }
    }
  }

  private ServiceProcess process(int node) {
    ServiceProcess process = processes.get(node);
    if (process == null) {
      throw new IllegalArgumentException("no Kafka node " + node + "; nodes are " + nodeIds());
    }
    return process;
  }

  private static String tail(String log) {
    List<String> lines = new ArrayList<>(log.lines().toList());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Kafka cluster", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }
}
