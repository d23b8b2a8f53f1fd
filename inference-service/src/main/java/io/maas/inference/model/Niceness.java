package io.maas.inference.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Moves the calling thread to the lowest CPU priority, nice 19, so that the scheduler gives it
 * only the CPU that the other threads and processes leave idle. Linux keeps a nice value per
 * thread, and threads started afterwards by this one inherit it. Java has no call for it, so
 * this runs {@code renice} on the thread's id (read from {@code /proc/thread-self}). Raising a
 * nice value needs no privilege; lowering it again does, so it is for a thread that stays in
 * the background for good. Without {@code /proc} or {@code renice} (macOS, a bare image) the
 * thread keeps its priority and {@link #lowerCurrentThread} says why.
 */
final class Niceness {

  static final int BACKGROUND = 19;

  private Niceness() {}

  /** Lowers the calling thread to nice {@value #BACKGROUND}; null when done, else why not. */
  static String lowerCurrentThread() {
    Path self = Path.of("/proc/thread-self");
    String tid;
    try {
      tid = Files.readSymbolicLink(self).getFileName().toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "no " + self + " (" + e.getMessage() + ")";
    }
    try {
      Process renice =
          new ProcessBuilder("renice", "-n", String.valueOf(BACKGROUND), "-p", tid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!renice.waitFor(10, TimeUnit.SECONDS)) {
        renice.destroyForcibly();
        return "renice did not answer in 10 s";
      }
      return renice.exitValue() == 0 ? null : "renice exited with " + renice.exitValue();
    } catch (IOException e) {
      return "no renice (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The calling thread's nice value, from {@code /proc/thread-self/stat}; for tests and logs. */
  static int ofCurrentThread() throws IOException {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    // the fields after the command name, which may hold
    // spaces, in parentheses: nice is the 19th field
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]);
  }
}
