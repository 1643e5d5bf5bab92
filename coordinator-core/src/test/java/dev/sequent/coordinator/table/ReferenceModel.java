package dev.sequent.coordinator.table;

import dev.sequent.protocol.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately simple reference for {@link TransactionTable}, written from the rules (DESIGN.md
 * rules 3 and 6, "Phase two") rather than from the implementation: plain maps, no store, no
 * encoding, no indexes. Expiry scans every txn; completion is recomputed from scratch.
 *
 * <p>The order of checks within each command follows the table's documented contract.
 */
final class ReferenceModel {

  /** What the model expects of one command: its outcome and the txn it shows, if any. */
  record Expected(Outcome outcome, TxnView txn) {}

  private static final class Txn {
    final String xid;
    TxnState state = TxnState.TRYING;
    boolean expired;
    final long beganAtMs;
    long decidedAtMs = TxnView.UNKNOWN_MS;
    final long deadlineMs;
    final long timeoutMs;
    final List<Branch> begun;
    final List<Branch> branches = new ArrayList<>();
    final List<Long> seqs = new ArrayList<>();
    final List<BranchState> states = new ArrayList<>();

    Txn(String xid, long nowMs, long timeoutMs, List<Branch> begun) {
      this.xid = xid;
      this.beganAtMs = nowMs;
      this.deadlineMs = nowMs + timeoutMs;
      this.timeoutMs = timeoutMs;
      this.begun = List.copyOf(begun);
      begun.forEach(this::add);
    }

    void add(Branch branch) {
      branches.add(branch);
      seqs.add(0L);
      states.add(BranchState.NOT_DECIDED);
    }

    TxnView view() {
      List<BranchView> views = new ArrayList<>();
      for (int i = 0; i < branches.size(); i++) {
        Branch b = branches.get(i);
        views.add(new BranchView(
            b.branchId(), b.participant(), seqs.get(i), states.get(i), b.payload().length));
      }
      return new TxnView(xid, state, beganAtMs, decidedAtMs, deadlineMs, expired, views);
    }
  }

  /** Which branch of which txn a participant's seq was given to. */
  private record Call(String xid, int index) {}

  private final TableLimits limits;
  private long clusterTimeMs;
  private final Map<String, Txn> txns = new HashMap<>();
  private final Map<String, Long> lastSeq = new HashMap<>();
  private final Map<String, Long> watermark = new HashMap<>();
  private final Map<String, Map<Long, Call>> calls = new HashMap<>();
  private final Map<String, Endpoint> endpoints = new HashMap<>();

  ReferenceModel(TableLimits limits) {
    this.limits = limits;
  }

  List<Expected> applyEntry(long leaderTimeMs, List<Command> commands) {
    clusterTimeMs = Math.max(clusterTimeMs, leaderTimeMs);
    List<Expected> out = new ArrayList<>();
    for (Command command : commands) {
      out.add(apply(command));
    }
    return out;
  }

  TxnView view(String xid) {
    Txn txn = txns.get(xid);
    return txn == null ? null : txn.view();
  }

  long lastSeq(String participant) {
    return lastSeq.getOrDefault(participant, 0L);
  }

  long watermark(String participant) {
    return watermark.getOrDefault(participant, 0L);
  }

  Endpoint endpoint(String participant) {
    return endpoints.get(participant);
  }

  /** Participants with lastSeq above watermark, in name order, as the table lists them. */
  List<Backlog> backlog() {
    return lastSeq.keySet().stream().sorted()
        .filter(p -> lastSeq(p) > watermark(p))
        .map(p -> new Backlog(p, watermark(p), lastSeq(p)))
        .toList();
  }

  long clusterTimeMs() {
    return clusterTimeMs;
  }

  long trying() {
    return txns.values().stream().filter(t -> t.state == TxnState.TRYING).count();
  }

  private Expected apply(Command command) {
    if (command instanceof Command.Begin c) {
      return begin(c);
    } else if (command instanceof Command.RegisterBranch c) {
      return register(c);
    } else if (command instanceof Command.Decide c) {
      return decide(c);
    } else if (command instanceof Command.RecordAcks c) {
      return acks(c);
    } else if (command instanceof Command.ExpireDue c) {
      return expire(c);
    } else if (command instanceof Command.MarkNeedsOperator c) {
      return operator(c.participant(), c.seq(), BranchState.NEEDS_OPERATOR);
    } else if (command instanceof Command.OperatorResolve c) {
      return operator(c.participant(), c.seq(), BranchState.RESOLVED_BY_OPERATOR);
    } else if (command instanceof Command.AnnounceEndpoint c) {
      return announce(c);
    }
    throw new AssertionError(command);
  }

  private boolean validId(String id, int max) {
    if (id.isEmpty() || id.length() > max) {
      return false;
    }
    return id.chars().allMatch(c -> c >= '!' && c <= '~');
  }

  private Outcome branchProblem(Branch b) {
    if (!validId(b.branchId(), limits.idBytesMax())
        || !validId(b.participant(), limits.idBytesMax())) {
      return Outcome.INVALID_ARGUMENT;
    }
    return b.payload().length > limits.payloadBytesMax() ? Outcome.PAYLOAD_TOO_LARGE : null;
  }

  private static Expected of(Outcome outcome, Txn txn) {
    return new Expected(outcome, txn == null ? null : txn.view());
  }

  private Expected begin(Command.Begin c) {
    if (!validId(c.xid(), limits.xidBytesMax())) {
      return of(Outcome.INVALID_ARGUMENT, null);
    }
    if (c.branches().size() > limits.branchesPerTxnMax()) {
      return of(Outcome.TOO_MANY_BRANCHES, null);
    }
    Set<String> ids = new HashSet<>();
    for (Branch b : c.branches()) {
      Outcome problem = branchProblem(b);
      if (problem != null) {
        return of(problem, null);
      }
      if (!ids.add(b.branchId())) {
        return of(Outcome.INVALID_ARGUMENT, null);
      }
    }
    if (c.timeoutMs() < limits.txnTimeoutMsMin() || c.timeoutMs() > limits.txnTimeoutMsMax()) {
      return of(Outcome.TIMEOUT_OUT_OF_RANGE, null);
    }
    Txn existing = txns.get(c.xid());
    if (existing != null) {
      boolean same = existing.timeoutMs == c.timeoutMs() && existing.begun.equals(c.branches());
      return of(same ? Outcome.OK : Outcome.XID_CONFLICT, existing);
    }
    if (trying() >= limits.activeTxnsMax()) {
      return of(Outcome.TOO_MANY_ACTIVE_TXNS, null);
    }
    Txn txn = new Txn(c.xid(), clusterTimeMs, c.timeoutMs(), c.branches());
    txns.put(c.xid(), txn);
    return of(Outcome.OK, txn);
  }

  private Expected register(Command.RegisterBranch c) {
    if (!validId(c.xid(), limits.xidBytesMax())) {
      return of(Outcome.INVALID_ARGUMENT, null);
    }
    Outcome problem = branchProblem(c.branch());
    if (problem != null) {
      return of(problem, null);
    }
    Txn txn = txns.get(c.xid());
    if (txn == null) {
      return of(Outcome.TXN_NOT_FOUND, null);
    }
    for (Branch b : txn.branches) {
      if (b.branchId().equals(c.branch().branchId())) {
        return of(b.equals(c.branch()) ? Outcome.OK : Outcome.BRANCH_CONFLICT, txn);
      }
    }
    if (txn.state != TxnState.TRYING) {
      return of(Outcome.NOT_TRYING, txn);
    }
    if (txn.branches.size() >= limits.branchesPerTxnMax()) {
      return of(Outcome.TOO_MANY_BRANCHES, txn);
    }
    txn.add(c.branch());
    return of(Outcome.OK, txn);
  }

  private Expected decide(Command.Decide c) {
    if (!validId(c.xid(), limits.xidBytesMax())) {
      return of(Outcome.INVALID_ARGUMENT, null);
    }
    Txn txn = txns.get(c.xid());
    if (txn == null) {
      return of(Outcome.TXN_NOT_FOUND, null);
    }
    if (txn.state == TxnState.TRYING) {
      decideNow(txn, c.decision());
      return of(Outcome.OK, txn);
    }
    boolean confirmed = txn.state == TxnState.CONFIRMING || txn.state == TxnState.CONFIRMED;
    boolean same = confirmed == (c.decision() == Decision.CONFIRM);
    return of(same ? Outcome.OK : Outcome.DECISION_CONFLICT, txn);
  }

  private void decideNow(Txn txn, Decision decision) {
    for (int i = 0; i < txn.branches.size(); i++) {
      String p = txn.branches.get(i).participant();
      long seq = lastSeq(p) + 1;
      lastSeq.put(p, seq);
      calls.computeIfAbsent(p, k -> new HashMap<>()).put(seq, new Call(txn.xid, i));
      txn.seqs.set(i, seq);
      txn.states.set(i, BranchState.PENDING);
    }
    boolean confirm = decision == Decision.CONFIRM;
    txn.state = confirm ? TxnState.CONFIRMING : TxnState.CANCELLING;
    txn.decidedAtMs = clusterTimeMs;
    complete(txn);
  }

  private void complete(Txn txn) {
    boolean allDone = txn.states.stream()
        .allMatch(s -> s == BranchState.ACKED || s == BranchState.RESOLVED_BY_OPERATOR);
    if (allDone && txn.state == TxnState.CONFIRMING) {
      txn.state = TxnState.CONFIRMED;
    } else if (allDone && txn.state == TxnState.CANCELLING) {
      txn.state = TxnState.CANCELLED;
    }
  }

  private Expected expire(Command.ExpireDue c) {
    if (c.maxTxns() < 1) {
      return of(Outcome.INVALID_ARGUMENT, null);
    }
    if (c.maxTxns() > limits.expireBatchMax()) {
      return of(Outcome.BATCH_TOO_LARGE, null);
    }
    List<Txn> due = txns.values().stream()
        .filter(t -> t.state == TxnState.TRYING && t.deadlineMs <= clusterTimeMs)
        .sorted(Comparator.<Txn>comparingLong(t -> t.deadlineMs).thenComparing(t -> t.xid))
        .limit(c.maxTxns())
        .toList();
    for (Txn txn : due) {
      txn.expired = true;
      decideNow(txn, Decision.CANCEL);
    }
    return of(Outcome.OK, null);
  }

  private Expected acks(Command.RecordAcks c) {
    if (c.acks().size() > limits.ackBatchMax()) {
      return of(Outcome.BATCH_TOO_LARGE, null);
    }
    if (!c.acks().stream().allMatch(a -> validId(a.participant(), limits.idBytesMax()))) {
      return of(Outcome.INVALID_ARGUMENT, null);
    }
    for (Ack ack : c.acks()) {
      String p = ack.participant();
      if (ack.appliedSeq() <= watermark(p) || ack.appliedSeq() > lastSeq(p)) {
        continue;
      }
      for (long seq = watermark(p) + 1; seq <= ack.appliedSeq(); seq++) {
        Call call = calls.get(p).remove(seq);
        Txn txn = txns.get(call.xid());
        if (txn.states.get(call.index()) != BranchState.RESOLVED_BY_OPERATOR) {
          txn.states.set(call.index(), BranchState.ACKED);
        }
        complete(txn);
      }
      watermark.put(p, ack.appliedSeq());
    }
    return of(Outcome.OK, null);
  }

  private Expected operator(String p, long seq, BranchState target) {
    if (!validId(p, limits.idBytesMax()) || seq < 1) {
      return of(Outcome.INVALID_ARGUMENT, null);
    }
    if (seq > lastSeq(p)) {
      return of(Outcome.PHASE2_CALL_NOT_FOUND, null);
    }
    if (seq <= watermark(p)) {
      return of(Outcome.OK, null);
    }
    Call call = calls.get(p).get(seq);
    Txn txn = txns.get(call.xid());
    BranchState now = txn.states.get(call.index());
    if (now == BranchState.PENDING
        || (now == BranchState.NEEDS_OPERATOR && target == BranchState.RESOLVED_BY_OPERATOR)) {
      txn.states.set(call.index(), target);
      complete(txn);
    }
    return of(Outcome.OK, txn);
  }

  /** The latest valid announcement wins; hosts follow the id rules with a longer limit. */
  private Expected announce(Command.AnnounceEndpoint c) {
    if (!validId(c.participant(), limits.idBytesMax()) || !validId(c.host(), 253)
        || c.port() < 1 || c.port() > 65_535) {
      return of(Outcome.INVALID_ARGUMENT, null);
    }
    endpoints.put(c.participant(), new Endpoint(c.host(), c.port()));
    return of(Outcome.OK, null);
  }
}
