package dev.sequent.coordinator.table;

/**
 * Where a txn is: TRYING until a decision is applied, then CONFIRMING or CANCELLING while phase two
 * runs, then CONFIRMED or CANCELLED once every branch's call is acked or resolved by an operator.
 *
 * <p>Codes are stable (stored records and log entries carry them) and match the wire's numbering.
 */
public enum TxnState {
  TRYING(1),
  CONFIRMING(2),
  CONFIRMED(3),
  CANCELLING(4),
  CANCELLED(5);

  private final int code;

  TxnState(int code) {
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
  public static TxnState fromCode(int code) {
    for (TxnState state : values()) {
      if (state.code == code) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown txn state code " + code);
  }

  /** The decision applied to a txn in this state, or null while it is TRYING. */
  public Decision decision() {
    return switch (this) {
      case TRYING -> null;
      case CONFIRMING, CONFIRMED -> Decision.CONFIRM;
      case CANCELLING, CANCELLED -> Decision.CANCEL;
    };
  }

  /** True once phase two is complete: nothing about the txn changes any more. */
  public boolean isFinal() {
    return this == CONFIRMED || this == CANCELLED;
  }
}
