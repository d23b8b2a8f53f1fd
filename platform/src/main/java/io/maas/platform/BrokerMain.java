package io.maas.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The local platform's Kafka as its own process; {@code ./maas up} starts it first. One node, the
 * default, is a whole cluster (replication 1):
 *
 * <pre>java -Xmx768m -jar platform/target/platform.jar --listen 127.0.0.1:9092 --controller-port 9093 --data .maas/kafka</pre>
 *
 * Three nodes make a cluster that survives the loss of one (replication factor 3, min ISR 2, see
 * {@link EmbeddedKafka}): give every node the same {@code --voters} (each node's controller
 * listener, {@code id@host:port}) and {@code --cluster-id}, and its own {@code --node-id},
 * {@code --listen} and {@code --data}. A node's controller listens where its own voter entry says,
 * so {@code --controller-port} is not needed (if given, it must agree). Start the three together: a
 * node serves only once a majority of the voters runs.
 *
 * <pre>
 * id=$(java -jar platform/target/platform.jar --print-cluster-id)
 * voters=1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293
 * java -Xmx512m -jar platform/target/platform.jar --node-id 1 --voters $voters --cluster-id $id --listen 127.0.0.1:9092 --data .maas/kafka-1
 * java -Xmx512m -jar platform/target/platform.jar --node-id 2 --voters $voters --cluster-id $id --listen 127.0.0.1:9192 --data .maas/kafka-2
 * java -Xmx512m -jar platform/target/platform.jar --node-id 3 --voters $voters --cluster-id $id --listen 127.0.0.1:9292 --data .maas/kafka-3
 * </pre>
 *
 * Clients then bootstrap from {@code 127.0.0.1:9092,127.0.0.1:9192,127.0.0.1:9292}.
 * {@code --print-cluster-id} writes a new random cluster id and exits. A data directory is
 * formatted once and kept, so a restart finds its topics again; keep its node's id, ports and
 * cluster id with it (the quorum remembers them). Stops cleanly on SIGTERM. Exit codes: 2 for
 * bad arguments, 1 for a failed start.
 */
public final class BrokerMain {

  static {
    // Before any logger exists: the broker's own logging configuration, not a service's.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "maas-broker-logback.xml");
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokerMain.class);
  private static final String USAGE =
      "usage: --listen host:port --controller-port port --data dir"
          + " [--node-id N --voters id@host:port,... --cluster-id ID] | --print-cluster-id";

  private BrokerMain() {}

  /** @param cluster this node's place in a cluster, or null for a single node */
  record Options(String host, int port, int controllerPort, Path data, ClusterMember cluster) {

    static Options parse(String[] args) {
      String listen = "127.0.0.1:9092";
      String controller = null;
      String data = ".maas/kafka";
      String nodeId = null;
      String voters = null;
      String clusterId = null;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--listen" -> listen = require(args[i], value);
          case "--controller-port" -> controller = require(args[i], value);
          case "--data" -> data = require(args[i], value);
          case "--node-id" -> nodeId = require(args[i], value);
          case "--voters" -> voters = require(args[i], value);
          case "--cluster-id" -> clusterId = require(args[i], value);
          default ->
              throw new IllegalArgumentException("unknown argument " + args[i] + "; " + USAGE);
        }
        i++;
      }
      int colon = listen.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--listen must be host:port, got " + listen);
      }
      String host = listen.substring(0, colon);
      int port = port("--listen", listen.substring(colon + 1));
      Path dir = Path.of(data).toAbsolutePath().normalize();
      long given = Stream.of(nodeId, voters, clusterId).filter(Objects::nonNull).count();
      if (given == 0) {
        return new Options(
            host,
            port,
            port("--controller-port", controller == null ? "9093" : controller),
            dir,
            null);
      }
      if (given < 3) {
        throw new IllegalArgumentException(
            "--node-id, --voters and --cluster-id go together: all three for a node of "
                + "a cluster, none for a single node");
      }
      ClusterMember member = ClusterMember.parse(nodeIdNumber(nodeId), voters, clusterId);
      int controllerPort = member.self().port();
      if (controller != null && port("--controller-port", controller) != controllerPort) {
        throw new IllegalArgumentException(
            "--controller-port "
                + controller
                + " disagrees with node "
                + member.nodeId()
                + "'s entry in --voters ("
                + member.self()
                + "); leave it out");
      }
      if (controllerPort == port && host.equals(member.self().host())) {
        throw new IllegalArgumentException(
            "--listen "
                + listen
                + " is node "
                + member.nodeId()
                + "'s controller address in --voters; give clients another port");
      }
      return new Options(host, port, controllerPort, dir, member);
    }

    private static int nodeIdNumber(String value) {
      try {
        int id = Integer.parseInt(value);
        if (id >= 0) {
          return id;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new IllegalArgumentException("--node-id must be a number of 0 or more, got " + value);
    }

    private static String require(String flag, String value) {
      if (value == null) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return value;
    }

    private static int port(String flag, String value) {
      try {
        int port = Integer.parseInt(value);
        if (port > 0 && port < 65536) {
          return port;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new IllegalArgumentException(
          flag + " must name a TCP port between 1 and 65535, got " + value);
    }
  }

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--print-cluster-id")) {
      System.out.println(ClusterMember.newClusterId());
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      LOG.error("The Kafka broker cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    EmbeddedKafka kafka;
    try {
      kafka =
          options.cluster() == null
              ? EmbeddedKafka.start(
                  options.data(),
                  options.host(),
                  options.port(),
                  options.controllerPort(),
                  Map.of(),
                  Duration.ofSeconds(90))
              : EmbeddedKafka.startNode(
                  options.data(),
                  options.host(),
                  options.port(),
                  options.cluster(),
                  Map.of(),
                  Duration.ofSeconds(90));
    } catch (RuntimeException e) {
      LOG.error(
          "The Kafka broker failed to start on {}:{} with data in {}: {}",
          options.host(),
          options.port(),
          options.data(),
          e.getMessage(),
          e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("Stopping the Kafka broker");
                  kafka.close();
                },
                "kafka-shutdown"));
    kafka.awaitShutdown();
  }
}
