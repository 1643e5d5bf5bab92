package dev.sequent.coordinator.table;

/**
 * Where one branch's phase-2 call is. Codes are stable (stored records and log entries carry them)
 * and match the wire's numbering.
 */
public enum BranchState {
  /** The txn is still TRYING: the branch has no seq yet. */
  NOT_DECIDED(1),
  /** Decided; the phase-2 call has its seq and waits for the participant's ack. */
  PENDING(2),
  /** The participant acknowledged the call (its watermark reached the seq). */
  ACKED(3),
  /** Delivery gave up after the attempt limit; an operator must resolve it. */
  NEEDS_OPERATOR(4),
  /** An operator resolved the call by hand; it counts towards completion like an ack. */
  RESOLVED_BY_OPERATOR(5);

  private final int code;

  BranchState(int code) {
    this.code = code;
  }

  /** The stable code in stored records and log entries. */
  public int code() {
    return code;
  }

  /**
   * The state with this code.
   *
   * @throws IllegalArgumentException for a code no state has
   */
  public static BranchState fromCode(int code) {
    for (BranchState state : values()) {
      if (state.code == code) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown branch state code " + code);
  }

  /** True when the call needs nothing more: acked, or resolved by an operator. */
  public boolean isDone() {
    return this == ACKED || this == RESOLVED_BY_OPERATOR;
  }
}
