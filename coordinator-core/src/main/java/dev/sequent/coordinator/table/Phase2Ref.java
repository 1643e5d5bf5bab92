package dev.sequent.coordinator.table;

import java.util.Objects;

/**
 * The stored value of one phase-2 call not yet acknowledged: which branch of which txn, and the
 * decision to deliver. The branch's phase-2 state lives in the txn record only (one source of
 * truth); readers join the two.
 */
record Phase2Ref(String xid, String branchId, Decision decision) {

  Phase2Ref {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(decision, "decision");
  }
}
