package dev.sequent.chaos.checker;

/**
 * What the harness measured after it healed every fault: whether a leader was elected, and how
 * long it took until every txn of the history was CONFIRMED or CANCELLED.
 *
 * @param leaderElected true when the cluster had a leader after healing
 * @param recoveryMs from healing until every txn was final, or {@link #NOT_RECOVERED} when the
 *     harness stopped waiting first
 * @param boundMs how long recovery may take
 */
public record Recovery(boolean leaderElected, long recoveryMs, long boundMs) {
  /** The recovery time when the harness gave up waiting. */
  public static final long NOT_RECOVERED = -1;

  public Recovery {
    if (recoveryMs < NOT_RECOVERED || boundMs < 0) {
      throw new IllegalArgumentException("recovery " + recoveryMs + " ms, bound " + boundMs
          + " ms");
    }
  }

  /** A leader, and every txn final {@code recoveryMs} after healing. */
  public static Recovery within(long recoveryMs, long boundMs) {
    return new Recovery(true, recoveryMs, boundMs);
  }

  /** The harness waited {@code boundMs} (or more) and recovery did not finish. */
  public static Recovery never(boolean leaderElected, long boundMs) {
    return new Recovery(leaderElected, NOT_RECOVERED, boundMs);
  }
}
