package dev.sequent.coordinator.table;

import java.util.Objects;

/** A branch as stored inside its txn record: the registered branch and its phase-2 progress. */
record BranchRecord(Branch branch, long seq, BranchState state) {

  BranchRecord {
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(state, "state");
  }

  static BranchRecord undecided(Branch branch) {
    return new BranchRecord(branch, 0, BranchState.NOT_DECIDED);
  }

  BranchRecord assigned(long newSeq) {
    return new BranchRecord(branch, newSeq, BranchState.PENDING);
  }

  BranchRecord withState(BranchState newState) {
    return new BranchRecord(branch, seq, newState);
  }

  BranchView toView() {
    return new BranchView(
        branch.branchId(), branch.participant(), seq, state, branch.payloadBytes());
  }
}
