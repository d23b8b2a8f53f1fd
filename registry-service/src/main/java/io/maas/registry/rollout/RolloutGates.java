package io.maas.registry.rollout;

/**
 * Whether a rollout's current step passes, fails or needs more time, from what the monitor saw
 * of the canary and of production over the step. Pure: no clock, no I/O.
 *
 * <p>Nothing is judged before the canary has {@code minResults} answers (results and dead
 * letters together, so a version that fails on everything is judged too). Then each gate in turn:
 * errors (the canary's dead-letter share at most production's plus the allowed increase), latency
 * (p99 at most {@code ratio} times production's plus the slack), agreement with production's
 * answers to the same requests (judged once half of {@code minResults} were compared), and drift
 * (the canary may not drift where production does not).
 */
public final class RolloutGates {

  /** What to do with a step. */
  public enum Outcome {
    WAIT,
    PASS,
    FAIL
  }

  /**
   * @param gate   the gate that failed ({@code errors}, {@code latency}, {@code agreement}, {@code drift},
   *               {@code max_step_seconds}), or why it waits; null when it passes
   * @param reason a sentence with the numbers
   */
  public record Decision(Outcome outcome, String gate, String reason) {

    static Decision pass(String reason) {
      return new Decision(Outcome.PASS, null, reason);
    }

    static Decision waiting(String why, String reason) {
      return new Decision(Outcome.WAIT, why, reason);
    }

    static Decision fail(String gate, String reason) {
      return new Decision(Outcome.FAIL, gate, reason);
    }
  }

  private RolloutGates() {}

  public static Decision judge(RolloutPlan plan, Evidence canary, Evidence production) {
    RolloutPlan.Gates gates = plan.gates();
    if (canary.answered() < plan.minResults()) {
      return Decision.waiting(
          "min_results",
          "the canary has " + canary.answered() + " of " + plan.minResults() + " answers");
    }
    double allowedErrors = production.errorRate() + gates.maxErrorRateIncrease();
    if (canary.errorRate() > allowedErrors) {
      return Decision.fail(
          "errors",
          String.format(
              "the canary dead-lettered %.2f%% of its answers (%d of %d), production %.2f%%",
              100 * canary.errorRate(),
              canary.errors(),
              canary.answered(),
              100 * production.errorRate()));
    }
    if (!Double.isNaN(canary.p99Ms()) && !Double.isNaN(production.p99Ms())) {
      double allowed = gates.maxLatencyRatio() * production.p99Ms() + gates.latencySlackMs();
      if (canary.p99Ms() > allowed) {
        return Decision.fail(
            "latency",
            String.format(
                "the canary's p99 is %.0f ms, production's %.0f ms (at most %.0f ms allowed)",
                canary.p99Ms(), production.p99Ms(), allowed));
      }
    }
    long neededComparisons = Math.max(1, plan.minResults() / 2);
    if (canary.results() > 0) {
      if (canary.compared() < neededComparisons) {
        return Decision.waiting(
            "agreement",
            "the canary has "
                + canary.compared()
                + " of "
                + neededComparisons
                + " answers compared with production's");
      }
      if (canary.agreement() < gates.minAgreement()) {
        return Decision.fail(
            "agreement",
            String.format(
                "the canary agreed with production on %.1f%% of %d requests (at least %.1f%% needed)",
                100 * canary.agreement(), canary.compared(), 100 * gates.minAgreement()));
      }
    }
    if (canary.drifted() && !production.drifted()) {
      return Decision.fail(
          "drift",
          "the monitor judged the canary's answers drifted from its training profile, and production's not");
    }
    return Decision.pass(
        String.format(
            "%d answers, %.2f%% dead letters, p99 %s, agreement %s",
            canary.answered(),
            100 * canary.errorRate(),
            Double.isNaN(canary.p99Ms()) ? "n/a" : String.format("%.0f ms", canary.p99Ms()),
            Double.isNaN(canary.agreement())
                ? "n/a"
                : String.format("%.1f%%", 100 * canary.agreement())));
  }
}
