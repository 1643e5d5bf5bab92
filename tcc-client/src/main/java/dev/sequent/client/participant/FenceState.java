package dev.sequent.client.participant;

import java.util.Optional;

/**
 * Where one branch stands in its participant's fence. Each state has a stable one-byte code (the
 * RocksDB fence stores it) and a stable name (the JDBC fence stores it): neither is ever reused.
 *
 * <pre>
 *   (none) --try ok--------------> TRIED --confirm--> CONFIRMED
 *   (none) --try failed----------> TRY_FAILED
 *   TRIED, TRY_FAILED --cancel---> CANCELLED            (onCancel runs, told whether try failed)
 *   (none) --cancel--------------> CANCELLED_EMPTY      (onCancel not run; a late try is refused)
 *   any    --operator resolved---> RESOLVED_BY_OPERATOR (nothing runs)
 * </pre>
 */
public enum FenceState {
  /** The try ran and succeeded: its effects are reserved. */
  TRIED(1),
  /**
   * The try ran and failed. Kept on purpose (a failed try must not erase its own record): its
   * cancel still runs {@code onCancel}, because a try may leave effects outside the local
   * transaction.
   */
  TRY_FAILED(2),
  /** The confirm ran. */
  CONFIRMED(3),
  /** The cancel ran after a try (successful or failed). */
  CANCELLED(4),
  /** A cancel came before, or without, a try: nothing ran, and a late try is refused. */
  CANCELLED_EMPTY(5),
  /** An operator resolved the branch's phase-2 call by hand: nothing ran. */
  RESOLVED_BY_OPERATOR(6);

  private final int code;

  FenceState(int code) {
    this.code = code;
  }

  /** The stable storage code, 1 to 255. */
  public int code() {
    return code;
  }

  /** The state with this code, or empty for a code this version does not know. */
  public static Optional<FenceState> fromCode(int code) {
    for (FenceState state : values()) {
      if (state.code == code) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }

  /** True for the states after which a try must not run. */
  boolean refusesTry() {
    return this == CANCELLED || this == CANCELLED_EMPTY || this == RESOLVED_BY_OPERATOR;
  }
}
