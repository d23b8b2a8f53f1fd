package io.maas.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * What the runs of docs/BENCHMARKS.md ran on: the machine (the date, cores, memory and Java of the
 * JVM writing the report) and the platform's settings, which {@code ./maas bench} passes.
 */
record ReportSetting(
    LocalDate date,
    int cores,
    long memoryGib,
    String java,
    String kafkaHeap,
    String inferenceHeap,
    String ingestHeap,
    String intraOp,
    String interOp,
    String batchSize,
    String batchWaitMs,
    String modelVersion) {

  /** From {@code bench report}'s flags, the machine facts from this JVM. */
  static ReportSetting of(Map<String, String> flags) {
    return new ReportSetting(
        LocalDate.now(ZoneOffset.UTC),
        Runtime.getRuntime().availableProcessors(),
        totalMemoryGib(),
        runningJava(),
        required(flags, "kafka-heap"),
        required(flags, "inference-heap"),
        required(flags, "ingest-heap"),
        flags.getOrDefault("intra-op", "1"),
        flags.getOrDefault("inter-op", "-1"),
        flags.getOrDefault("batch-size", "64"),
        flags.getOrDefault("batch-wait-ms", "5"),
        required(flags, "model-version"));
  }

  private static String required(Map<String, String> flags, String name) {
    String value = flags.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("bench report needs --" + name);
    }
    return value;
  }

  /** As {@code free -g} shows it: MemTotal in whole GiB, rounded down. */
  private static long totalMemoryGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024 * 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: the JVM's view of the machine below
    }
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize()
        >> 30;
  }

  /** As the first line of {@code java -version} gives it, for the JVM writing the report. */
  private static String runningJava() {
    String name =
        System.getProperty("java.runtime.name", "").contains("OpenJDK") ? "openjdk" : "java";
    String date = System.getProperty("java.version.date", "");
    return name
        + " version \""
        + System.getProperty("java.version")
        + "\""
        + (date.isEmpty() ? "" : " " + date);
  }
}
