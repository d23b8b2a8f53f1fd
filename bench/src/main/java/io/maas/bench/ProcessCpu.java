package io.maas.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU time the platform's processes and the load generator spend over a measured run, per
 * result: the platform's from {@code /proc/<pid>/stat} (Linux; a process it cannot read is left
 * out), the generator's from its own JVM, and how busy the machine's cores were ({@code
 * /proc/stat}). On a machine where everything shares the cores, this is what caps the end-to-end
 * rate, whatever the model's in-process limit.
 */
final class ProcessCpu {

  /** /proc counts in clock ticks of USER_HZ, which Linux fixes at 100 for user space. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  static final String GENERATOR = "generator";

  private final Map<String, Long> pids;
  private final Map<String, Long> started = new LinkedHashMap<>();
  private final long[] machineStarted;

  private ProcessCpu(Map<String, Long> pids) {
    this.pids = pids;
    pids.forEach((name, pid) -> started.put(name, processNanos(pid)));
    started.put(GENERATOR, ownNanos());
    machineStarted = machine();
  }

  /** @param spec {@code name=pid,name=pid}, as {@code ./maas bench} passes it */
  static ProcessCpu start(String spec) {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (String pair : spec.split(",")) {
      String[] nameAndPid = pair.trim().split("=", 2);
      if (nameAndPid.length == 2 && !nameAndPid[1].isBlank()) {
        pids.put(nameAndPid[0].trim(), Long.parseLong(nameAndPid[1].trim()));
      }
    }
    return new ProcessCpu(pids);
  }

  /**
   * {@code {"microsPerResult":{"<name>":..,"generator":..},"cores":2,"busy":0.91}}; busy is left out
   * where /proc/stat cannot be read.
   */
  JsonObject stop(long results) {
    long[] machineNow = machine();
    JsonObject perResult = new JsonObject();
    pids.forEach(
        (name, pid) -> {
          long now = processNanos(pid);
          if (now >= 0 && started.get(name) >= 0) {
            perResult.put(name, micros(now - started.get(name), results));
          }
        });
    perResult.put(GENERATOR, micros(ownNanos() - started.get(GENERATOR), results));
    JsonObject json =
        new JsonObject()
            .put("microsPerResult", perResult)
            .put("cores", Runtime.getRuntime().availableProcessors());
    long total = machineNow[1] - machineStarted[1];
    if (machineStarted[1] > 0 && total > 0) {
      json.put("busy", Math.round(1000.0 * (machineNow[0] - machineStarted[0]) / total) / 1000.0);
    }
    return json;
  }

  private static long micros(long nanos, long results) {
    return results == 0 ? 0 : Math.round(nanos / 1000.0 / results);
  }

  /** User and system time of a process, all its threads; -1 when it cannot be read. */
  static long processNanos(long pid) {
    try {
      return ticks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")))
          * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** utime + stime of a /proc/[pid]/stat line, whose second field (the name) may hold spaces. */
  static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
    // fields[0] is the state, the third field of the line: utime is the 14th, stime the 15th
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static long ownNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /** Busy and total ticks of all cores; zeros when /proc/stat cannot be read. */
  private static long[] machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split(" +");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      // guest time is counted in user time already
      if (f.length > 9) {
        total -= Long.parseLong(f[9]);
      }
      if (f.length > 10) {
        total -= Long.parseLong(f[10]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
