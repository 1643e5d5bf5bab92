package dev.sequent.chaos.checker;

/** The rules the checker applies; each violation names the one it broke. */
public enum Check {
  /**
   * Every txn ends all-confirmed or all-cancelled at its participants, as the cluster decided;
   * an ok transfer ends CONFIRMED, a failed one never CONFIRMED; none is left undecided.
   */
  ATOMICITY,
  /**
   * Money is neither made nor lost: every ok read adds up, no balance is negative or unknown,
   * nothing is left frozen, and every final balance is its opening balance plus the confirmed
   * transfers.
   */
  CONSERVATION,
  /** No participant applied a phase-2 call of the same (xid, branch) twice. */
  AT_MOST_ONCE,
  /** Each participant applied exactly the cluster's phase-2 calls, in the cluster's seq order. */
  ORDER,
  /** After healing, a leader was elected and every txn finished within the bound. */
  LIVENESS
}
