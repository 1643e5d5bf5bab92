package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Event;
import dev.sequent.chaos.history.EventType;
import dev.sequent.chaos.history.History;
import dev.sequent.chaos.history.OpKind;
import dev.sequent.chaos.history.Transfer;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every check reads, derived once from the history, the final state and the recovery: the
 * transfers by xid with how each completed, the ok reads, and the money each branch moves.
 */
final class Evidence {
  /** The money a confirmed branch moves: {@code delta} into (or, negative, out of) an account. */
  record Leg(AccountRef account, long delta) {}

  final List<Event> events;
  final FinalState state;
  final Recovery recovery;
  /** Every transfer of the history, by xid, in invoke order. */
  final Map<String, Transfer> transfers = new LinkedHashMap<>();
  /** The history index of each transfer's invoke. */
  final Map<String, Long> invokedAt = new HashMap<>();
  /** How each transfer completed: OK, FAIL, or INFO (also for one never completed). */
  final Map<String, EventType> outcomes = new HashMap<>();
  /** The ok reads, in history order. */
  final List<Event> okReads = new ArrayList<>();
  final Map<OpKind, OutcomeCounts> counts = new EnumMap<>(OpKind.class);

  Evidence(History history, FinalState state, Recovery recovery) {
    this.events = history.events();
    this.state = state;
    this.recovery = recovery;
    for (OpKind kind : OpKind.values()) {
      counts.put(kind, OutcomeCounts.NONE);
    }
    pair();
  }

  /**
   * Pairs completions with invokes. The history already guarantees one operation at a time per
   * process, so a completion belongs to its process's open invoke.
   */
  private void pair() {
    Map<Integer, Event> open = new HashMap<>();
    for (Event event : events) {
      if (event.type() == EventType.INVOKE) {
        open.put(event.process(), event);
        if (event.op().kind() == OpKind.TRANSFER) {
          transfers.put(event.transfer().xid(), event.transfer());
          invokedAt.put(event.transfer().xid(), event.index());
        }
        continue;
      }
      open.remove(event.process());
      complete(event, event.type());
    }
    // Never completed: the client died or the run ended first; the outcome is unknown.
    for (Event invoke : open.values()) {
      complete(invoke, EventType.INFO);
    }
  }

  private void complete(Event event, EventType outcome) {
    OpKind kind = event.op().kind();
    OutcomeCounts before = counts.get(kind);
    counts.put(kind, outcome == EventType.OK ? before.plusOk()
        : outcome == EventType.FAIL ? before.plusFail() : before.plusInfo());
    if (kind == OpKind.TRANSFER) {
      outcomes.put(event.transfer().xid(), outcome);
    } else if (outcome == EventType.OK) { // an ok outcome comes only from an ok event
      okReads.add(event);
    }
  }

  /** The money branch {@code branchId} of txn {@code xid} moves when confirmed, if known. */
  Optional<Leg> leg(String xid, String branchId) {
    Transfer transfer = transfers.get(xid);
    if (transfer == null) {
      return Optional.empty();
    }
    if (Transfer.DEBIT_BRANCH.equals(branchId)) {
      return Optional.of(new Leg(transfer.from(), -transfer.amount()));
    }
    if (Transfer.CREDIT_BRANCH.equals(branchId)) {
      return Optional.of(new Leg(transfer.to(), transfer.amount()));
    }
    return Optional.empty();
  }

  /** The participant's applied log; an empty one when the harness brought none. */
  List<AppliedCall> applied(String participant) {
    ParticipantLog log = state.participants().get(participant);
    return log == null ? List.of() : log.applied();
  }

  /**
   * Every participant the evidence mentions: the logs, the cluster's branches and the accounts.
   */
  Set<String> participants() {
    Set<String> ids = new TreeSet<>(state.participants().keySet());
    state.cluster().values().forEach(txn -> txn.branches().forEach(b -> ids.add(b.participant())));
    state.openingBalances().keySet().forEach(account -> ids.add(account.participant()));
    return Collections.unmodifiableSet(ids);
  }

  /** Every xid the evidence mentions: the history, the cluster and the participants' logs. */
  Set<String> xids() {
    Set<String> xids = new TreeSet<>(transfers.keySet());
    xids.addAll(state.cluster().keySet());
    state.participants().values()
        .forEach(log -> log.applied().forEach(call -> xids.add(call.xid())));
    return Collections.unmodifiableSet(xids);
  }

  /** True when the cluster holds the txn and it is CONFIRMED or CANCELLED. */
  static boolean isFinal(TxnSnapshot txn) {
    return txn != null
        && (txn.state() == TxnState.CONFIRMED || txn.state() == TxnState.CANCELLED);
  }

  /** True when the cluster decided to confirm the txn (CONFIRMING or CONFIRMED). */
  static boolean decidedConfirm(TxnSnapshot txn) {
    return txn != null
        && (txn.state() == TxnState.CONFIRMING || txn.state() == TxnState.CONFIRMED);
  }

  /** True when the cluster decided to cancel the txn (CANCELLING or CANCELLED). */
  static boolean decidedCancel(TxnSnapshot txn) {
    return txn != null
        && (txn.state() == TxnState.CANCELLING || txn.state() == TxnState.CANCELLED);
  }
}
