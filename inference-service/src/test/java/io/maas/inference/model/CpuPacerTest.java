package io.maas.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

/** A paced load sleeps three times the CPU it used at a quarter of a core, and never at a whole one. */
class CpuPacerTest {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Burns about {@code millis} of this thread's CPU. */
  private static long burn(long millis) {
    long until = THREADS.getCurrentThreadCpuTime() + millis * 1_000_000;
    long x = 0;
    while (THREADS.getCurrentThreadCpuTime() < until) {
      x += System.nanoTime() % 7;
    }
    return x;
  }

  @Test
  void aQuarterOfACoreSleepsThreeTimesTheCpuUsed() throws Exception {
    CpuPacer pacer = new CpuPacer(0.25);
    long cpu = THREADS.getCurrentThreadCpuTime();
    burn(40);
    long used = THREADS.getCurrentThreadCpuTime() - cpu;
    long before = System.nanoTime();
    pacer.pace();
    long slept = System.nanoTime() - before;
    assertThat(slept).isGreaterThanOrEqualTo(3 * used * 9 / 10);
    assertThat(pacer.sleptMillis()).isGreaterThanOrEqualTo(3 * used * 9 / 10 / 1_000_000);
  }

  @Test
  void aWholeCoreNeverSleeps() throws Exception {
    CpuPacer pacer = new CpuPacer(1);
    burn(20);
    pacer.pace();
    assertThat(pacer.sleptMillis()).isZero();
  }

  @Test
  void aPacedStreamReadsEverythingAndPausesOnTheWay() throws Exception {
    CpuPacer pacer = new CpuPacer(0.5);
    byte[] data = new byte[4 * 1024 * 1024];
    try (InputStream in = pacer.paced(new ByteArrayInputStream(data), 64 * 1024)) {
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        burn(1);
      }
      assertThat(total).isEqualTo(data.length);
    }
    assertThat(pacer.sleptMillis()).isPositive();
  }

  @Test
  void aShareOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> new CpuPacer(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CpuPacer(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
