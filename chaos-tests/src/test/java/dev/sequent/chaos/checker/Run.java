package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.history.Event;
import dev.sequent.chaos.history.EventType;
import dev.sequent.chaos.history.History;
import dev.sequent.chaos.history.OpKind;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A run's evidence held in mutable form, so a test can break exactly one thing and check again.
 */
final class Run {
  final List<Event> events = new ArrayList<>();
  final Map<AccountRef, Long> opening = new TreeMap<>();
  final Map<String, TxnSnapshot> cluster = new TreeMap<>();
  final Map<String, List<AppliedCall>> logs = new TreeMap<>();
  final Map<String, Long> watermarks = new TreeMap<>();
  final Map<AccountRef, Balance> balances = new TreeMap<>();
  Recovery recovery = Recovery.within(500, 30_000);

  History history() {
    return History.of(events);
  }

  FinalState finalState() {
    Map<String, ParticipantLog> participants = new TreeMap<>();
    logs.forEach((participant, applied) -> participants.put(participant, new ParticipantLog(
        participant, applied, watermarks.getOrDefault(participant,
            ParticipantLog.UNKNOWN_WATERMARK))));
    return new FinalState(opening, cluster, participants, balances);
  }

  CheckReport check() {
    return Checker.check(history(), finalState(), recovery);
  }

  Run copy() {
    Run copy = new Run();
    copy.events.addAll(events);
    copy.opening.putAll(opening);
    copy.cluster.putAll(cluster);
    logs.forEach((participant, applied) -> copy.logs.put(participant, new ArrayList<>(applied)));
    copy.watermarks.putAll(watermarks);
    copy.balances.putAll(balances);
    copy.recovery = recovery;
    return copy;
  }

  /** The index of the first event that matches. */
  int find(Predicate<Event> match) {
    for (int i = 0; i < events.size(); i++) {
      if (match.test(events.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such event");
  }

  /** The index of the completion of transfer {@code xid}. */
  int completionOf(String xid) {
    return find(e -> e.type().completes() && e.op().kind() == OpKind.TRANSFER
        && e.transfer().xid().equals(xid));
  }

  /** Replaces the event at {@code index} with one of another type (its error set to match). */
  void retype(int index, EventType type) {
    Event event = events.get(index);
    String error = type == EventType.OK ? "" : "changed by a test";
    events.set(index, new Event(event.index(), type, event.process(), event.timeNs(),
        event.op(), error));
  }

  /** Sets the cluster's state of a txn, branches unchanged. */
  void state(String xid, TxnState state) {
    TxnSnapshot txn = cluster.get(xid);
    cluster.put(xid, new TxnSnapshot(xid, state, txn.beganAtMs(), txn.deadlineMs(),
        txn.branches(), txn.expired()));
  }

  /** Sets one branch's phase-2 state in the cluster. */
  void phase2(String xid, String branchId, Phase2State phase2) {
    TxnSnapshot txn = cluster.get(xid);
    List<BranchSnapshot> branches = new ArrayList<>();
    for (BranchSnapshot b : txn.branches()) {
      branches.add(b.branchId().equals(branchId)
          ? new BranchSnapshot(b.branchId(), b.participant(), b.seq(), phase2, b.payloadBytes())
          : b);
    }
    cluster.put(xid, new TxnSnapshot(xid, txn.state(), txn.beganAtMs(), txn.deadlineMs(),
        branches, txn.expired()));
  }

  /** The position of (xid, branch) in the participant's log. */
  int logIndex(String participant, String xid, String branchId) {
    List<AppliedCall> log = logs.get(participant);
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).xid().equals(xid) && log.get(i).branchId().equals(branchId)) {
        return i;
      }
    }
    throw new AssertionError("no " + xid + "/" + branchId + " at " + participant);
  }

  /** Changes the step of (xid, branch) in the participant's log. */
  void step(String participant, String xid, String branchId, AppliedCall.Step step) {
    List<AppliedCall> log = logs.get(participant);
    int i = logIndex(participant, xid, branchId);
    AppliedCall call = log.get(i);
    log.set(i, new AppliedCall(call.xid(), call.branchId(), call.seq(), step));
  }

  /** Adds {@code delta} to an account's final available money. */
  void addAvailable(AccountRef account, long delta) {
    Balance balance = balances.get(account);
    balances.put(account, new Balance(balance.available() + delta, balance.frozen()));
  }
}
