package dev.sequent.coordinator.table;

import java.util.List;
import java.util.Objects;

/**
 * A txn as the table holds it after a command was applied: what replies and the admin API show.
 *
 * @param beganAtMs cluster time at which begin was applied
 * @param deadlineMs cluster time from which expiry may cancel the txn while it is TRYING
 * @param expired true when the cancellation came from the deadline, not from the initiator
 * @param branches in registration order (the order their seqs were assigned in)
 */
public record TxnView(
    String xid,
    TxnState state,
    long beganAtMs,
    long deadlineMs,
    boolean expired,
    List<BranchView> branches) {

  public TxnView {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(state, "state");
    branches = List.copyOf(branches);
  }

  /** The decision applied, or null while TRYING. */
  public Decision decision() {
    return state.decision();
  }
}
