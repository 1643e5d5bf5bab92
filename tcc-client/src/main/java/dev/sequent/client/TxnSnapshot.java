package dev.sequent.client;

import java.util.List;
import java.util.Objects;

/**
 * A transaction as the cluster held it when it answered: a read model, not a live view.
 *
 * @param xid the transaction id
 * @param state its state
 * @param beganAtMs cluster time of begin, milliseconds since the epoch (stamped by the leader)
 * @param deadlineMs cluster time after which a TRYING transaction is cancelled
 * @param branches its branches in registration order
 * @param expired true when the cancellation came from the deadline, not from the initiator
 */
public record TxnSnapshot(String xid, TxnState state, long beganAtMs, long deadlineMs,
    List<BranchSnapshot> branches, boolean expired) {

  public TxnSnapshot {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(state, "state");
    branches = List.copyOf(branches);
  }
}
