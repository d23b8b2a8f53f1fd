package io.maas.bench;

import io.maas.common.profile.ReferenceProfile;
import io.maas.monitor.drift.DriftCheck;
import io.maas.monitor.window.SeriesWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The shifts table of {@code bench drift}: streams of answers that start in distribution and then
 * draw a share of their answers from a shifted source, judged over the last {@value #WINDOW}
 * answers every {@value #STEP} answers as the service judges its window; how many answers after
 * the shift began until the first drifted verdict, and which checks fired then.
 */
final class DriftShifts {

  private static final int WINDOW = 1000;
  private static final int STEP = 25;
  private static final int STREAMS = 20;
  private static final int LIMIT = 10_000;

  private DriftShifts() {}

  /** Prints the table's heading, what it measures and its header. */
  static void printHeader() {
    System.out.println(
        "**Shifts** (drift expected): "
            + STREAMS
            + " streams each start with "
            + WINDOW
            + " held-out answers;"
            + " then each answer comes from the shifted source with the given share, from held-out mails otherwise. The last "
            + WINDOW
            + " answers are judged every "
            + STEP
            + " answers, as the service judges its window. Answers after the"
            + " shift began until the first drifted verdict: median (max), the checks that fired then. The row with share 0"
            + " is the control: "
            + LIMIT
            + " answers of held-out mails, judged "
            + (LIMIT / STEP)
            + " times per stream.");
    System.out.println();
    System.out.println(
        "| shifted source | share | answers until flagged, median (max) | flagged streams | checks that fired |");
    System.out.println("| --- | --- | --- | --- | --- |");
  }

  /** One row: sliding windows of the last {@value #WINDOW} answers, the shift starting after one full window. */
  static void printRow(
      String name,
      List<DriftAnswer> shifted,
      List<DriftAnswer> base,
      double share,
      DriftCheck check,
      ReferenceProfile profile,
      Random random) {
    List<Integer> until = new ArrayList<>();
    Map<String, Integer> fired = new TreeMap<>();
    for (int s = 0; s < STREAMS; s++) {
      DriftAnswer[] last = new DriftAnswer[WINDOW];
      for (int i = 0; i < WINDOW; i++) {
        last[i] = base.get(random.nextInt(base.size()));
      }
      for (int i = 1; i <= LIMIT; i++) {
        List<DriftAnswer> from = random.nextDouble() < share ? shifted : base;
        last[i % WINDOW] = from.get(random.nextInt(from.size()));
        if (i % STEP == 0) {
          SeriesWindow window = new SeriesWindow();
          for (int j = 0; j < WINDOW; j++) {
            last[j].addTo(window, j);
          }
          DriftCheck.Verdict verdict =
              check.judge(window.aggregate(Long.MIN_VALUE, Long.MAX_VALUE), profile);
          if (verdict.drifted()) {
            until.add(i);
            verdict
                .checks()
                .forEach(
                    (n, c) -> {
                      if (c.drifted()) {
                        fired.merge(n, 1, Integer::sum);
                      }
                    });
            break;
          }
        }
      }
    }
    until.sort(null);
    System.out.printf(
        Locale.ROOT,
        "| %s | %.0f%% | %s | %d of %d | %s |%n",
        name,
        share * 100,
        until.isEmpty()
            ? "never (within " + LIMIT + ")"
            : until.get(until.size() / 2) + " (" + until.get(until.size() - 1) + ")",
        until.size(),
        STREAMS,
        fired.isEmpty() ? "none" : fired.toString());
  }
}
