package io.maas.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The swap's windows over a synthetic run: 100 requests a second, one version after the PUT. */
class SwapWindowsTest {

  private static final int RATE = 100;
  private static final long START = 1_000_000;
  private static final long PUT = START + 20_000;

  @Test
  void theWorstWindowIsTakenFromThePutOnAndTheOneBeforeIsTheNoise() {
    // 40 s: 10 ms steady, one slow second 8 s before the PUT (300 ms), one 2 s after it (40 ms)
    int total = 40 * RATE;
    long[] ingestedAt = new long[total];
    long[] observed = new long[total];
    long[] completedAt = new long[total];
    int[] version = new int[total];
    for (int i = 0; i < total; i++) {
      ingestedAt[i] = START + i * 1000L / RATE;
      long second = Math.floorDiv(ingestedAt[i] - PUT, 1000);
      long latency = second == -8 ? 300 : second == 2 ? 40 : 10;
      observed[i] = ingestedAt[i] + latency;
      completedAt[i] = observed[i] - 1;
      version[i] = ingestedAt[i] < PUT + 5_000 ? 1 : 2;
    }

    SwapWindows windows = SwapWindows.of(ingestedAt, observed, completedAt, version, 2, START, PUT);

    assertThat(windows.steadyP99()).as("the 20 s before the PUT, one of them slow").isEqualTo(300);
    assertThat(windows.worstBeforeP99()).isEqualTo(300);
    assertThat(windows.worstP99())
        .as("the slow second after the PUT, not the one before")
        .isEqualTo(40);
    assertThat(windows.worstStart() - PUT)
        .as("the first window holding it starts 2 s before it")
        .isEqualTo(-2_000);
    assertThat(windows.ratio()).isEqualTo(40 / 300.0);
    assertThat(windows.oldAfterNew()).isZero();
  }

  @Test
  void anOldAnswerCompletedAfterTheFirstNewOneIsCounted() {
    long[] ingestedAt = {START, START + 10, START + 20};
    long[] observed = {START + 100, START + 30, START + 40};
    long[] completedAt = {START + 90, START + 25, START + 35};
    int[] version = {1, 2, 2};

    SwapWindows windows =
        SwapWindows.of(ingestedAt, observed, completedAt, version, 2, START, START + 5);

    assertThat(windows.oldAfterNew()).isEqualTo(1);
  }
}
