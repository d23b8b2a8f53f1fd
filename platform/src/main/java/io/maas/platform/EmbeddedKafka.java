package io.maas.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka node in KRaft mode (broker and controller combined), running in this JVM:
 * either the whole of a single-node cluster, or one node of a cluster with a static quorum
 * ({@link ClusterMember}). Its log directory is formatted on first start and reused after, so a
 * restart finds its topics and offsets again. Its configuration comes from {@link
 * BrokerProperties}: one node suits one machine (replication 1); a cluster node replicates
 * (factor 3, min ISR 2).
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path logDir;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path logDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.logDir = logDir;
  }

  /**
   * Formats {@code logDir} if needed, starts a single-node cluster and waits until it answers.
   *
   * @param host           the address to listen on and advertise
   * @param brokerPort     the client port; 0 picks a free one
   * @param controllerPort the KRaft controller port; 0 picks a free one (keep it fixed for a
   *                       log directory that is reused: the quorum remembers it)
   * @param overrides      extra broker properties, applied last
   */
  public static EmbeddedKafka start(
      Path logDir,
      String host,
      int brokerPort,
      int controllerPort,
      Map<String, String> overrides,
      Duration readyTimeout) {
    int port = brokerPort == 0 ? freePort(host) : brokerPort;
    int controller = controllerPort == 0 ? freePort(host) : controllerPort;
    Properties props = BrokerProperties.singleNode(logDir, host, port, controller);
    overrides.forEach(props::setProperty);
    return start(
        props,
        logDir,
        host,
        port,
        List.of("--cluster-id", Uuid.randomUuid().toString(), "--standalone"),
        readyTimeout);
  }

  /**
   * Formats {@code logDir} with the cluster's id if needed and starts one node of a cluster. The
   * node listens for controllers where its own voter entry says; it cannot serve clients until a
   * majority of the voters runs, so this blocks until enough of the other nodes have started too
   * (start them in parallel), then waits at most {@code readyTimeout} for the node to answer.
   *
   * @param host       the address clients connect to (listen and advertise)
   * @param brokerPort the client port; 0 picks a free one
   * @param member     this node's id, the voters and the cluster id
   * @param overrides  extra broker properties, applied last
   */
  public static EmbeddedKafka startNode(
      Path logDir,
      String host,
      int brokerPort,
      ClusterMember member,
      Map<String, String> overrides,
      Duration readyTimeout) {
    int port = brokerPort == 0 ? freePort(host) : brokerPort;
    Properties props = BrokerProperties.clusterNode(logDir, host, port, member);
    overrides.forEach(props::setProperty);
    LOG.info(
        "Kafka node {} of cluster {} starts; it serves once a majority of the voters {} runs",
        member.nodeId(),
        member.clusterId(),
        member.votersConfig());
    return start(
        props, logDir, host, port, List.of("--cluster-id", member.clusterId()), readyTimeout);
  }

  private static EmbeddedKafka start(
      Properties props,
      Path logDir,
      String host,
      int port,
      List<String> formatArgs,
      Duration readyTimeout) {
    try {
      Files.createDirectories(logDir);
      format(logDir, props, formatArgs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Kafka log directory " + logDir, e);
    }
    long started = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    EmbeddedKafka kafka = new EmbeddedKafka(server, host + ":" + port, logDir);
    try {
      kafka.awaitReady(readyTimeout);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    LOG.info(
        "Kafka broker ready on {} in {} ms (log directory {})",
        kafka.bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        logDir);
    return kafka;
  }

  /** A throw-away broker on free ports, for tests. */
  public static EmbeddedKafka startEphemeral(Path logDir) {
    return start(logDir, "127.0.0.1", 0, 0, Map.of(), Duration.ofSeconds(60));
  }

  private static void format(Path logDir, Properties props, List<String> formatArgs)
      throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path config = Files.createTempFile("maas-kafka-", ".properties");
    try {
      try (OutputStream out = Files.newOutputStream(config)) {
        props.store(out, "maas embedded broker");
      }
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      int rc;
      try (PrintStream print = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
        List<String> args =
            new ArrayList<>(List.of("format", "--config", config.toString(), "--ignore-formatted"));
        args.addAll(formatArgs);
        rc = StorageTool.execute(args.toArray(String[]::new), print);
      }
      if (rc != 0) {
        throw new IllegalStateException(
            "formatting the Kafka log directory "
                + logDir
                + " failed: "
                + captured.toString(StandardCharsets.UTF_8));
      }
      LOG.info("Formatted Kafka log directory {}", logDir);
    } finally {
      Files.deleteIfExists(config);
    }
  }

  private void awaitReady(Duration timeout) {
    Properties adminProps = new Properties();
    adminProps.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(adminProps)) {
      while (true) {
        try {
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
              .nodes()
              .get(3, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "Kafka at " + bootstrapServers + " did not answer within " + timeout, e);
          }
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
          }
          sleep(200);
        }
      }
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path logDir() {
    return logDir;
  }

  /** Blocks until the broker has shut down (from {@link #close()} or a fatal error). */
  public void awaitShutdown() {
    server.awaitShutdown();
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    }
  }
}
