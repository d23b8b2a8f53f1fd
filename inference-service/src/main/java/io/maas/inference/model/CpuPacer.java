package io.maas.inference.model;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * Holds the calling thread to a share of one core: {@link #pace()} sleeps in proportion to the
 * CPU the thread used since the last call (with a share of 0.25, 10 ms of CPU is followed by
 * 30 ms of sleep). A model load paced so leaves the serving threads the cores on a small machine;
 * it takes longer, and nothing waits for it. For one thread: the one that created it.
 */
final class CpuPacer {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final double share;
  private final boolean measured;
  private long cpuMark;
  private long slept;

  /** @param share of one core, in (0, 1]; 1 never sleeps */
  CpuPacer(double share) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1], got " + share);
    }
    this.share = share;
    this.measured = share < 1 && THREADS.isCurrentThreadCpuTimeSupported();
    this.cpuMark = measured ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  /** Sleeps for the CPU used since the last call, scaled by the share. */
  void pace() throws InterruptedIOException {
    if (!measured) {
      return;
    }
    long used = THREADS.getCurrentThreadCpuTime() - cpuMark;
    long sleep = (long) (used * (1 - share) / share);
    if (sleep > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while pacing a model load");
      }
      slept += sleep;
    }
    cpuMark = THREADS.getCurrentThreadCpuTime();
  }

  /** How long {@link #pace()} slept in all, in milliseconds. */
  long sleptMillis() {
    return TimeUnit.NANOSECONDS.toMillis(slept);
  }

  /** {@code in}, paced after every {@code chunk} bytes read. */
  InputStream paced(InputStream in, int chunk) {
    return new FilterInputStream(in) {
      private long sincePace;

      @Override
      public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? 0 : 1);
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        count(Math.max(n, 0));
        return n;
      }

      private void count(int n) throws InterruptedIOException {
        sincePace += n;
        if (sincePace >= chunk) {
          sincePace = 0;
          pace();
        }
      }
    };
  }
}
