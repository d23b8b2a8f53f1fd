package io.maas.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The local platform's Kafka broker as its own process; {@code ./maas up} starts it first:
 *
 * <pre>java -Xmx768m -jar platform/target/platform.jar --listen 127.0.0.1:9092 --controller-port 9093 --data .maas/kafka</pre>
 *
 * The data directory is formatted once and kept, so a restart finds its topics again; keep
 * the controller port fixed for a data directory (the KRaft quorum remembers it). Stops
 * cleanly on SIGTERM. Exit codes: 2 for bad arguments, 1 for a failed start.
 */
public final class BrokerMain {

  static {
    // Before any logger exists: the broker's own logging configuration, not a service's.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "maas-broker-logback.xml");
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokerMain.class);

  private BrokerMain() {
  }

  record Options(String host, int port, int controllerPort, Path data) {

    static Options parse(String[] args) {
      String listen = "127.0.0.1:9092";
      String controller = "9093";
      String data = ".maas/kafka";
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--listen" -> listen = require(args[i], value);
          case "--controller-port" -> controller = require(args[i], value);
          case "--data" -> data = require(args[i], value);
          default -> throw new IllegalArgumentException("unknown argument " + args[i]
              + "; usage: --listen host:port --controller-port port --data dir");
        }
        i++;
      }
      int colon = listen.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--listen must be host:port, got " + listen);
      }
      return new Options(listen.substring(0, colon), port("--listen", listen.substring(colon + 1)),
          port("--controller-port", controller), Path.of(data).toAbsolutePath().normalize());
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
      throw new IllegalArgumentException(flag + " must name a TCP port between 1 and 65535, got " + value);
    }
  }

  public static void main(String[] args) {
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
      kafka = EmbeddedKafka.start(options.data(), options.host(), options.port(), options.controllerPort(),
          Map.of(), Duration.ofSeconds(90));
    } catch (RuntimeException e) {
      LOG.error("The Kafka broker failed to start on {}:{} with data in {}: {}", options.host(), options.port(),
          options.data(), e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping the Kafka broker");
      kafka.close();
    }, "kafka-shutdown"));
    kafka.awaitShutdown();
  }
}
