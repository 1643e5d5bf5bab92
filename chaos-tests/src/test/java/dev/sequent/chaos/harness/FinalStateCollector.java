package dev.sequent.chaos.harness;

import dev.sequent.chaos.checker.AppliedCall;
import dev.sequent.chaos.checker.FinalState;
import dev.sequent.chaos.checker.ParticipantLog;
import dev.sequent.chaos.checker.Recovery;
import dev.sequent.chaos.harness.ChaosCluster.Bank;
import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.history.Event;
import dev.sequent.chaos.history.EventType;
import dev.sequent.chaos.history.History;
import dev.sequent.chaos.history.OpKind;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.protocol.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After healing: waits (bounded) until the cluster has a leader and every txn of the history is
 * CONFIRMED or CANCELLED (its phase two acknowledged by every branch), then reads the evidence
 * the checker compares, from three independent places: the cluster's status of every xid, each
 * bank's journal, fence rows and watermark, and each bank's balances.
 */
final class FinalStateCollector {
  private static final Logger log = LoggerFactory.getLogger(FinalStateCollector.class);

  private final ChaosCluster cluster;
  private final TccClient client;
  private final BankReader reader = new BankReader();

  FinalStateCollector(ChaosCluster cluster, TccClient client) {
    this.cluster = cluster;
    this.client = client;
  }

  /** Every xid the workload invoked, in invoke order. */
  static Set<String> xids(History history) {
    Set<String> xids = new LinkedHashSet<>();
    for (Event event : history.events()) {
      if (event.type() == EventType.INVOKE && event.op().kind() == OpKind.TRANSFER) {
        xids.add(event.transfer().xid());
      }
    }
    return xids;
  }

  /**
   * Waits until a leader serves and every xid is final (or unknown to the cluster: its begin
   * never arrived), at most {@code boundMs} from the call, which is when faults were healed.
   */
  Recovery awaitRecovery(Set<String> xids, long boundMs) throws InterruptedException {
    long startNs = System.nanoTime();
    long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(boundMs);
    boolean leader = false;
    Set<String> open = new LinkedHashSet<>(xids);
    while (System.nanoTime() < deadlineNs) {
      leader = leader || cluster.leader().isPresent();
      if (leader) {
        // Each status query is bounded by the client's timeouts; stop asking at the deadline.
        open.removeIf(xid -> System.nanoTime() < deadlineNs && isFinal(xid));
        if (open.isEmpty()) {
          return Recovery.within(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
              boundMs);
        }
      }
      Thread.sleep(500);
    }
    log.warn("not recovered within {} ms: leader {}, {} txns still open, e.g. {}", boundMs,
        leader, open.size(), open.stream().limit(5).toList());
    return Recovery.never(leader, boundMs);
  }

  FinalState collect(Set<String> xids, Map<AccountRef, Long> opening) throws Exception {
    Map<String, TxnSnapshot> txns = new TreeMap<>();
    for (String xid : xids) {
      TxnSnapshot txn = status(xid);
      if (txn != null) {
        txns.put(xid, txn);
      }
    }
    Map<String, ParticipantLog> logs = new TreeMap<>();
    Map<AccountRef, Balance> balances = new TreeMap<>();
    for (Bank bank : cluster.banks().values()) {
      logs.put(bank.participant(), participantLog(bank, txns));
      balances.putAll(reader.snapshot(bank.participant(), cluster.controlAddress(bank))
          .balances());
    }
    return new FinalState(opening, txns, logs, balances);
  }

  /**
   * The bank's applied calls in applied order: its journal (confirms and cancels that ran),
   * with the calls that exist only as fence rows (empty cancels, operator resolutions) put at
   * their seq's place: before the first journal entry with a higher seq.
   */
  private ParticipantLog participantLog(Bank bank, Map<String, TxnSnapshot> txns)
      throws Exception {
    BankReader.Journal journal = reader.journal(cluster.controlAddress(bank));
    Set<String> journaled = new HashSet<>();
    journal.calls().forEach(call -> journaled.add(call.xid() + "\n" + call.branchId()));
    List<List<String>> unjournaled = new ArrayList<>();
    for (TxnSnapshot txn : txns.values()) {
      for (BranchSnapshot branch : txn.branches()) {
        if (branch.participant().equals(bank.participant())
            && !journaled.contains(txn.xid() + "\n" + branch.branchId())) {
          unjournaled.add(List.of(txn.xid(), branch.branchId()));
        }
      }
    }
    List<AppliedCall> fenceOnly = new ArrayList<>();
    for (BankReader.FenceRow row : reader.fences(cluster.controlAddress(bank), unjournaled)) {
      switch (row.state()) {
        case "CANCELLED_EMPTY" -> fenceOnly.add(new AppliedCall(row.xid(), row.branch(),
            row.seq(), AppliedCall.Step.EMPTY_CANCEL));
        case "RESOLVED_BY_OPERATOR" -> fenceOnly.add(new AppliedCall(row.xid(), row.branch(),
            row.seq(), AppliedCall.Step.RESOLVED));
        default -> { } // tried only, or in the journal's batch: nothing applied without it
      }
    }
    fenceOnly.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    List<AppliedCall> applied = new ArrayList<>();
    int next = 0;
    for (AppliedCall call : journal.calls()) {
      while (next < fenceOnly.size() && fenceOnly.get(next).seq() < call.seq()) {
        applied.add(fenceOnly.get(next++));
      }
      applied.add(call);
    }
    applied.addAll(fenceOnly.subList(next, fenceOnly.size()));
    return new ParticipantLog(bank.participant(), applied, journal.watermark());
  }

  /** True when the cluster has the txn CONFIRMED or CANCELLED, or does not know it. */
  private boolean isFinal(String xid) {
    try {
      TxnSnapshot txn = status(xid);
      return txn == null || txn.state() == TxnState.CONFIRMED
          || txn.state() == TxnState.CANCELLED;
    } catch (IllegalStateException e) { // no answer yet: still recovering
      return false;
    }
  }

  /** The cluster's view of the xid, or null when it does not know it. */
  private TxnSnapshot status(String xid) {
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        TxnResult result = client.blocking().status(xid);
        if (result.outcome() == Outcome.OK) {
          return result.txn();
        }
        if (result.outcome() == Outcome.TXN_NOT_FOUND) {
          return null;
        }
        log.debug("status {}: {} {}", xid, result.outcome(), result.message());
      } catch (RuntimeException e) {
        log.debug("status {}: {}", xid, e.toString());
      }
    }
    throw new IllegalStateException("the cluster did not answer a status query of " + xid);
  }
}
