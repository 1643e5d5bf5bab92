package dev.sequent.coordinator.table;

import static dev.sequent.protocol.Outcome.BATCH_TOO_LARGE;
import static dev.sequent.protocol.Outcome.BRANCH_CONFLICT;
import static dev.sequent.protocol.Outcome.DECISION_CONFLICT;
import static dev.sequent.protocol.Outcome.INVALID_ARGUMENT;
import static dev.sequent.protocol.Outcome.NOT_TRYING;
import static dev.sequent.protocol.Outcome.PAYLOAD_TOO_LARGE;
import static dev.sequent.protocol.Outcome.TIMEOUT_OUT_OF_RANGE;
import static dev.sequent.protocol.Outcome.TOO_MANY_ACTIVE_TXNS;
import static dev.sequent.protocol.Outcome.TOO_MANY_BRANCHES;
import static dev.sequent.protocol.Outcome.TXN_NOT_FOUND;
import static dev.sequent.protocol.Outcome.XID_CONFLICT;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Applies the commands of one entry at one cluster time. Short-lived: one per entry, holding no
 * state beyond the staged writes, so the table itself stays free of mutable fields.
 *
 * <p>Each command checks in a fixed order and answers the first problem it finds; the order is
 * part of the contract (every replica, and the reference model in the tests, follow it).
 */
final class EntryApplier {

  private final TableLimits limits;
  private final StagedTable table;
  private final long nowMs;
  private final Phase2Applier phase2;
  private final Consumer<TxnChange> changes;

  EntryApplier(TableLimits limits, StagedTable table, long nowMs, Consumer<TxnChange> changes) {
    this.limits = limits;
    this.table = table;
    this.nowMs = nowMs;
    this.changes = changes;
    this.phase2 = new Phase2Applier(limits, table, changes);
  }

  CommandResult apply(Command command) {
    return switch (command.kind()) {
      case BEGIN -> begin((Command.Begin) command);
      case REGISTER_BRANCH -> register((Command.RegisterBranch) command);
      case DECIDE -> decide((Command.Decide) command);
      case RECORD_ACKS -> phase2.recordAcks((Command.RecordAcks) command);
      case EXPIRE_DUE -> expireDue((Command.ExpireDue) command);
      case MARK_NEEDS_OPERATOR -> phase2.markNeedsOperator((Command.MarkNeedsOperator) command);
      case OPERATOR_RESOLVE -> phase2.operatorResolve((Command.OperatorResolve) command);
      case ANNOUNCE_ENDPOINT -> phase2.announceEndpoint((Command.AnnounceEndpoint) command);
    };
  }

  /**
   * Checks, in order: xid; branch count; each branch (ids, then payload); duplicate branch ids;
   * timeout; an existing txn (identical begin: OK with its current view, else XID_CONFLICT); the
   * number of TRYING txns.
   */
  private CommandResult begin(Command.Begin begin) {
    String xidProblem = Ids.problem("xid", begin.xid(), limits.xidBytesMax());
    if (xidProblem != null) {
      return CommandResult.refused(INVALID_ARGUMENT, xidProblem);
    }
    if (begin.branches().size() > limits.branchesPerTxnMax()) {
      return CommandResult.refused(
          TOO_MANY_BRANCHES, "more than " + limits.branchesPerTxnMax() + " branches");
    }
    Set<String> branchIds = new HashSet<>();
    for (Branch branch : begin.branches()) {
      CommandResult problem = checkBranch(branch);
      if (problem != null) {
        return problem;
      }
      if (!branchIds.add(branch.branchId())) {
        return CommandResult.refused(
            INVALID_ARGUMENT, "branch id " + branch.branchId() + " appears twice");
      }
    }
    if (begin.timeoutMs() < limits.txnTimeoutMsMin()
        || begin.timeoutMs() > limits.txnTimeoutMsMax()) {
      return CommandResult.refused(TIMEOUT_OUT_OF_RANGE, "timeout must be in ["
          + limits.txnTimeoutMsMin() + ", " + limits.txnTimeoutMsMax() + "] ms");
    }
    TxnRecord existing = table.txn(begin.xid());
    if (existing != null) {
      return existing.isSameBegin(begin.timeoutMs(), begin.branches())
          ? CommandResult.ok(existing.toView())
          : CommandResult.refused(XID_CONFLICT, existing.toView(), "xid names another txn");
    }
    if (table.activeTxns() >= limits.activeTxnsMax()) {
      return CommandResult.refused(
          TOO_MANY_ACTIVE_TXNS, limits.activeTxnsMax() + " txns are already TRYING");
    }
    // Timeouts are at most 30 days, yet a leader's clock could be absurd: saturate, never wrap.
    long deadlineMs = nowMs > Long.MAX_VALUE - begin.timeoutMs()
        ? Long.MAX_VALUE
        : nowMs + begin.timeoutMs();
    List<BranchRecord> branches = new ArrayList<>(begin.branches().size());
    for (Branch branch : begin.branches()) {
      branches.add(BranchRecord.undecided(branch));
    }
    TxnRecord txn = new TxnRecord(begin.xid(), TxnState.TRYING, false, nowMs,
        TxnView.UNKNOWN_MS, deadlineMs, begin.timeoutMs(), branches.size(), branches);
    table.putTxn(txn);
    table.putDeadline(deadlineMs, txn.xid());
    table.addActiveTxns(1);
    changes.accept(TxnChange.of(TxnChange.Kind.BEGUN, txn));
    return CommandResult.ok(txn.toView());
  }

  /**
   * Checks, in order: xid; branch (ids, then payload); the txn exists; a branch with the same id
   * (identical: OK with the current view whatever the state, so retries stay idempotent; else
   * BRANCH_CONFLICT); the txn is TRYING; its branch count.
   */
  private CommandResult register(Command.RegisterBranch register) {
    String xidProblem = Ids.problem("xid", register.xid(), limits.xidBytesMax());
    if (xidProblem != null) {
      return CommandResult.refused(INVALID_ARGUMENT, xidProblem);
    }
    Branch branch = register.branch();
    CommandResult problem = checkBranch(branch);
    if (problem != null) {
      return problem;
    }
    TxnRecord txn = table.txn(register.xid());
    if (txn == null) {
      return CommandResult.refused(TXN_NOT_FOUND, "no txn " + register.xid());
    }
    int index = txn.indexOf(branch.branchId());
    if (index >= 0) {
      return txn.branches().get(index).branch().equals(branch)
          ? CommandResult.ok(txn.toView())
          : CommandResult.refused(BRANCH_CONFLICT, txn.toView(), "branch id names another branch");
    }
    if (txn.state() != TxnState.TRYING) {
      return CommandResult.refused(NOT_TRYING, txn.toView(), "txn is " + txn.state());
    }
    if (txn.branches().size() >= limits.branchesPerTxnMax()) {
      return CommandResult.refused(TOO_MANY_BRANCHES, txn.toView(),
          "txn already has " + limits.branchesPerTxnMax() + " branches");
    }
    TxnRecord registered = txn.withAddedBranch(branch);
    table.putTxn(registered);
    return CommandResult.ok(registered.toView());
  }

  /** Checks, in order: xid; the txn exists; then decides, repeats, or refuses the flip. */
  private CommandResult decide(Command.Decide decide) {
    String xidProblem = Ids.problem("xid", decide.xid(), limits.xidBytesMax());
    if (xidProblem != null) {
      return CommandResult.refused(INVALID_ARGUMENT, xidProblem);
    }
    TxnRecord txn = table.txn(decide.xid());
    if (txn == null) {
      return CommandResult.refused(TXN_NOT_FOUND, "no txn " + decide.xid());
    }
    if (txn.state() == TxnState.TRYING) {
      return CommandResult.ok(applyDecision(txn, decide.decision(), false).toView());
    }
    if (txn.state().decision() == decide.decision()) {
      return CommandResult.ok(txn.toView());
    }
    String why = txn.expired() ? "txn expired and was cancelled" : "txn is " + txn.state();
    return CommandResult.refused(DECISION_CONFLICT, txn.toView(), why);
  }

  /**
   * Cancels up to maxTxns TRYING txns whose deadline is at or before cluster time. A maxTxns
   * below 1 is INVALID_ARGUMENT; one above expireBatchMax is BATCH_TOO_LARGE.
   */
  private CommandResult expireDue(Command.ExpireDue expire) {
    if (expire.maxTxns() < 1) {
      return CommandResult.refused(INVALID_ARGUMENT, "maxTxns must be at least 1");
    }
    if (expire.maxTxns() > limits.expireBatchMax()) {
      return CommandResult.refused(
          BATCH_TOO_LARGE, "maxTxns must be at most " + limits.expireBatchMax());
    }
    // Collect first, change after: the scan must not see its own deletions.
    List<Map.Entry<Long, String>> due = table.due(nowMs, expire.maxTxns());
    for (Map.Entry<Long, String> entry : due) {
      TxnRecord txn = table.requireTxn(entry.getValue(), "the deadline index names it");
      if (txn.state() != TxnState.TRYING || txn.deadlineMs() != entry.getKey()) {
        throw new IllegalStateException("deadline index entry disagrees with txn " + txn);
      }
      applyDecision(txn, Decision.CANCEL, true);
    }
    return CommandResult.ok("expired " + due.size() + " txns");
  }

  /**
   * Applies a decision to a TRYING txn: each branch, in registration order, gets its participant's
   * next seq and a phase-2 call record; the txn leaves the deadline index and the active count,
   * and records the cluster time of its decision. A txn without branches has no phase two and
   * goes straight to its final state.
   */
  private TxnRecord applyDecision(TxnRecord txn, Decision decision, boolean byExpiry) {
    List<BranchRecord> assigned = new ArrayList<>(txn.branches().size());
    for (BranchRecord branch : txn.branches()) {
      String participant = branch.branch().participant();
      ParticipantRecord counters = table.participant(participant);
      long seq = counters.lastSeq() + 1;
      table.putParticipant(participant, counters.withLastSeq(seq));
      table.putPhase2(participant, seq,
          new Phase2Ref(txn.xid(), branch.branch().branchId(), decision));
      assigned.add(branch.assigned(seq));
    }
    TxnState next = assigned.isEmpty() ? decision.finalState() : decision.inProgressState();
    TxnRecord decided = txn.decided(next, byExpiry, assigned, nowMs);
    table.deleteDeadline(txn.deadlineMs(), txn.xid());
    table.addActiveTxns(-1);
    table.putTxn(decided);
    changes.accept(TxnChange.of(byExpiry ? TxnChange.Kind.EXPIRED : TxnChange.Kind.DECIDED,
        decided));
    return decided;
  }

  /** Null when the branch is acceptable, otherwise the refusal (ids first, then payload). */
  private CommandResult checkBranch(Branch branch) {
    String problem = Ids.problem("branch id", branch.branchId(), limits.idBytesMax());
    if (problem == null) {
      problem = Ids.problem("participant", branch.participant(), limits.idBytesMax());
    }
    if (problem != null) {
      return CommandResult.refused(INVALID_ARGUMENT, problem);
    }
    if (branch.payloadBytes() > limits.payloadBytesMax()) {
      return CommandResult.refused(PAYLOAD_TOO_LARGE,
          "payload of branch " + branch.branchId() + " is over " + limits.payloadBytesMax());
    }
    return null;
  }
}
