package io.maas.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A maas {@code main} (a service, the trainer) in its own JVM, on this test's class path, with output in a
 * log file: for tests of start-up, SIGTERM and kill -9.
 */
public final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private ServiceProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass} with the given environment on top of this one, heap capped at 256 MiB. */
  public static ServiceProcess start(
      Class<?> mainClass, Map<String, String> env, Path log, String... args) {
    return start(mainClass, "256m", env, log, args);
  }

  /** Starts {@code mainClass} with the given environment on top of this one and {@code -Xmx<maxHeap>}. */
  public static ServiceProcess start(
      Class<?> mainClass, String maxHeap, Map<String, String> env, Path log, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      return new ServiceProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + mainClass.getName(), e);
    }
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void awaitLog(String fragment, Duration timeout) {
    Awaitility.await("log line '" + fragment + "'")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> log().contains(fragment) || !process.isAlive() && log().contains(fragment));
  }

  /** Waits for the process to end; its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("process still running after " + timeout + "; log:\n" + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM: what an orchestrator or Ctrl-C sends. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: a crash. */
  public void kill() {
    process.destroyForcibly();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
