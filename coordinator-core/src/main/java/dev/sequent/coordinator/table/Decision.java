package dev.sequent.coordinator.table;

/**
 * The decision for a whole txn. Once one is applied it never flips (DESIGN.md rule 3).
 *
 * <p>Each constant carries a stable code for the stored records and the log format: the ordinal
 * would change if a constant were ever reordered, the code never does.
 */
public enum Decision {
  CONFIRM(1),
  CANCEL(2);

  private final int code;

  Decision(int code) {
    this.code = code;
  }

  /** The stable code in stored records and log entries. */
  public int code() {
    return code;
  }

  /**
   * The decision with this code.
   *
   * @throws IllegalArgumentException for a code no decision has
   */
  public static Decision fromCode(int code) {
    for (Decision decision : values()) {
      if (decision.code == code) {
        return decision;
      }
    }
    throw new IllegalArgumentException("unknown decision code " + code);
  }

  /** The state a TRYING txn moves to when this decision is applied and phase two has work. */
  TxnState inProgressState() {
    return switch (this) {
      case CONFIRM -> TxnState.CONFIRMING;
      case CANCEL -> TxnState.CANCELLING;
    };
  }

  /** The state once every branch's phase-2 call is acked or resolved (at once with no branches). */
  TxnState finalState() {
    return switch (this) {
      case CONFIRM -> TxnState.CONFIRMED;
      case CANCEL -> TxnState.CANCELLED;
    };
  }
}
