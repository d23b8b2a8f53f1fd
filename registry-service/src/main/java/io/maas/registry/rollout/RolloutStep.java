package io.maas.registry.rollout;

import java.time.Duration;

/**
 * What a judged step does to a running rollout: a pass moves it to the next step or promotes it, a
 * failed gate rolls it back, and a step still waiting after {@code maxStepSeconds} rolls back too.
 * Also the monitor window that covers a step. Pure: the clock is an argument.
 */
final class RolloutStep {

  /** The gate named when a step had no verdict in time. */
  static final String MAX_STEP_SECONDS = "max_step_seconds";

  private RolloutStep() {}

  /** The rollout after the step's decision; {@code r} itself while the step waits within its time. */
  static Rollout next(Rollout r, Evidence canary, RolloutGates.Decision d, long now) {
    return switch (d.outcome()) {
      case PASS -> r.passed(now, canary, d.reason());
      case FAIL -> r.rolledBack(now, canary, d.gate(), d.reason());
      case WAIT -> {
        if (now - r.stepStartedAt() <= r.plan().maxStepSeconds() * 1000L) {
          yield r;
        }
        String why =
            "step "
                + r.step()
                + " had no verdict within "
                + r.plan().maxStepSeconds()
                + " s: "
                + d.reason();
        yield r.rolledBack(now, canary, MAX_STEP_SECONDS, why);
      }
    };
  }

  /** The window that covers the step: whole 10 s slots back from now, one more than the step has lasted. */
  static Duration window(long elapsedMillis) {
    long slots = Math.max(0, (elapsedMillis + 9_999) / 10_000) + 1;
    return Duration.ofSeconds(Math.min(3600, slots * 10));
  }
}
