package io.maas.monitor.lag;

/**
 * A consumer group's health on the maas topics, in the sense of LinkedIn's Burrow: judged from
 * how its committed offsets move against the log ends over time, not from one lag number.
 */
public enum LagStatus {
  /** Caught up (an idle topic included), or behind but keeping up. */
  OK,
  /** Progressing, but the oldest unprocessed record is older than the warning age, or the lag grew at every sample. */
  WARN,
  /** Members are connected but the committed offsets have not moved while records wait. */
  STALL,
  /** Records wait and the group has no member: nobody is consuming. */
  STOP
}
