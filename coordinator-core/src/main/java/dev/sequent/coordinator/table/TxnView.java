package dev.sequent.coordinator.table;

import java.util.List;
import java.util.Objects;

/**
 * A txn as the table holds it after a command was applied: what replies and the admin API show.
 *
 * @param beganAtMs cluster time at which begin was applied
 * @param decidedAtMs cluster time at which the decision was applied; {@link #UNKNOWN_MS} while
 *     TRYING, and when not known: the txn was decided before records kept it, or the view was
 *     decoded from a log reply, whose format does not carry it
 * @param deadlineMs cluster time from which expiry may cancel the txn while it is TRYING
 * @param expired true when the cancellation came from the deadline, not from the initiator
 * @param branches in registration order (the order their seqs were assigned in)
 */
public record TxnView(
    String xid,
    TxnState state,
    long beganAtMs,
    long decidedAtMs,
    long deadlineMs,
    boolean expired,
    List<BranchView> branches) {

  /** The decision time of a txn not decided yet, or decided when it was not recorded. */
  public static final long UNKNOWN_MS = -1;

  public TxnView {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(state, "state");
    branches = List.copyOf(branches);
  }

  /** A view without a decision time (for sources that do not carry one). */
  public TxnView(String xid, TxnState state, long beganAtMs, long deadlineMs, boolean expired,
      List<BranchView> branches) {
    this(xid, state, beganAtMs, UNKNOWN_MS, deadlineMs, expired, branches);
  }

  /** The decision applied, or null while TRYING. */
  public Decision decision() {
    return state.decision();
  }
}
