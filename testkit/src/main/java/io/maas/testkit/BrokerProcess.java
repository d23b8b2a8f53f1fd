package io.maas.testkit;

import io.maas.platform.BrokerMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A Kafka broker of the test's own, as a {@link BrokerMain} process: for tests that kill the
 * broker (never the shared one of {@link KafkaExtension}). Its ports are chosen free once and kept,
 * and so is its data directory, so that {@link #start()} after {@link #kill()} brings back the same
 * broker with its topics, offsets and groups, at the address clients already know.
 */
public final class BrokerProcess implements AutoCloseable {

  private static final String READY = "Kafka broker ready on";

  private final Path data;
  private final Path logs;
  private final int port;
  private final int controllerPort;
  private final TestKafka kafka;
  private ServiceProcess process;
  private int starts;

  private BrokerProcess(Path data, Path logs, int port, int controllerPort) {
    this.data = data;
    this.logs = logs;
    this.port = port;
    this.controllerPort = controllerPort;
    this.kafka = TestKafka.at("127.0.0.1:" + port);
  }

  /**
   * Starts a broker on two free ports, with its data in {@code dir/kafka} and the log of its n-th
   * start in {@code dir/broker-n.log}; returns once it answers.
   */
  public static BrokerProcess start(Path dir, Duration timeout) {
    BrokerProcess broker = new BrokerProcess(dir.resolve("kafka"), dir, freePort(), freePort());
    broker.start(timeout);
    return broker;
  }

  /** Starts the broker again, on the same ports and data; returns once it answers. */
  public void start(Duration timeout) {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker on port " + port + " is still running");
    }
    starts++;
    process =
        ServiceProcess.start(
            BrokerMain.class,
            Map.of(),
            logs.resolve("broker-" + starts + ".log"),
            "--listen",
            kafka.bootstrapServers(),
            "--controller-port",
            String.valueOf(controllerPort),
            "--data",
            data.toString());
    process.awaitLog(READY, timeout);
  }

  /** SIGKILL, and waits until the process is gone: its ports are free, its files as it left them. */
  public void kill() {
    process.kill();
    process.awaitExit(Duration.ofSeconds(30));
  }

  public TestKafka kafka() {
    return kafka;
  }

  /** What the current (or last) start wrote. */
  public String log() {
    return process.log();
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
