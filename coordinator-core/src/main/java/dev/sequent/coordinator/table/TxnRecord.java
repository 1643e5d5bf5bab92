package dev.sequent.coordinator.table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A txn as stored: everything its view shows plus what idempotent begin needs to recognise a
 * retry (the timeout and how many branches came with begin). Immutable: commands build new ones.
 *
 * <p>{@code decidedAtMs} is the cluster time at which the decision was applied, kept so that the
 * time phase two took (decision to final state) can be measured from replicated facts alone. It
 * is {@link TxnView#UNKNOWN_MS} while TRYING, and for txns decided by a version that did not
 * record it (format 1 records).
 *
 * <p>{@link #checkInvariants()} is the one statement of what a well-formed record is; the codec
 * runs it on every record it writes and reads, so corruption is caught at the boundary.
 */
record TxnRecord(
    String xid,
    TxnState state,
    boolean expired,
    long beganAtMs,
    long decidedAtMs,
    long deadlineMs,
    long timeoutMs,
    int beginBranchCount,
    List<BranchRecord> branches) {

  TxnRecord {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(state, "state");
    branches = List.copyOf(branches);
  }

  /**
   * Throws IllegalStateException unless the record is well-formed: a TRYING txn has no seqs, no
   * decision time and is not expired; a known decision time is not before begin; branch ids are
   * unique; a decided txn has a seq and a phase-2 state on every branch; a final txn has every
   * branch done, and a txn in progress has at least one not done.
   */
  TxnRecord checkInvariants() {
    boolean ok = beganAtMs >= 0 && deadlineMs >= beganAtMs && timeoutMs > 0
        && beginBranchCount >= 0 && beginBranchCount <= branches.size();
    ok &= !expired || state.decision() == Decision.CANCEL;
    boolean decisionTimeKnown = decidedAtMs != TxnView.UNKNOWN_MS;
    ok &= state == TxnState.TRYING
        ? !decisionTimeKnown
        : !decisionTimeKnown || decidedAtMs >= beganAtMs;
    int done = 0;
    Set<String> ids = new HashSet<>();
    for (BranchRecord branch : branches) {
      ok &= ids.add(branch.branch().branchId());
      boolean undecided = branch.state() == BranchState.NOT_DECIDED;
      ok &= (state == TxnState.TRYING) == undecided;
      ok &= undecided ? branch.seq() == 0 : branch.seq() > 0;
      done += branch.state().isDone() ? 1 : 0;
    }
    if (state != TxnState.TRYING) {
      ok &= state.isFinal() == (done == branches.size());
    }
    if (!ok) {
      throw new IllegalStateException("txn record breaks an invariant: " + this);
    }
    return this;
  }

  /** True when begin would create exactly this txn: same timeout, same branches in order. */
  boolean isSameBegin(long otherTimeoutMs, List<Branch> otherBranches) {
    if (timeoutMs != otherTimeoutMs || beginBranchCount != otherBranches.size()) {
      return false;
    }
    for (int i = 0; i < beginBranchCount; i++) {
      if (!branches.get(i).branch().equals(otherBranches.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The position of the branch with this id, or -1. */
  int indexOf(String branchId) {
    for (int i = 0; i < branches.size(); i++) {
      if (branches.get(i).branch().branchId().equals(branchId)) {
        return i;
      }
    }
    return -1;
  }

  TxnRecord withAddedBranch(Branch branch) {
    List<BranchRecord> more = new ArrayList<>(branches);
    more.add(BranchRecord.undecided(branch));
    return new TxnRecord(xid, state, expired, beganAtMs, decidedAtMs, deadlineMs, timeoutMs,
        beginBranchCount, more);
  }

  /** This txn decided at cluster time nowMs, its branches carrying their assigned seqs. */
  TxnRecord decided(
      TxnState newState, boolean byExpiry, List<BranchRecord> assigned, long nowMs) {
    return new TxnRecord(xid, newState, byExpiry, beganAtMs, nowMs, deadlineMs, timeoutMs,
        beginBranchCount, assigned);
  }

  /**
   * This txn with one branch's phase-2 state changed; once every branch is done, the txn takes its
   * decision's final state in the same step.
   */
  TxnRecord withBranchState(int index, BranchState newState) {
    List<BranchRecord> changed = new ArrayList<>(branches);
    changed.set(index, branches.get(index).withState(newState));
    boolean allDone = changed.stream().allMatch(branch -> branch.state().isDone());
    TxnState next = allDone ? state.decision().finalState() : state;
    return new TxnRecord(xid, next, expired, beganAtMs, decidedAtMs, deadlineMs, timeoutMs,
        beginBranchCount, changed);
  }

  TxnView toView() {
    List<BranchView> views = new ArrayList<>(branches.size());
    for (BranchRecord branch : branches) {
      views.add(branch.toView());
    }
    return new TxnView(xid, state, beganAtMs, decidedAtMs, deadlineMs, expired, views);
  }
}
