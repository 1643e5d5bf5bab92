package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.EventType;
import dev.sequent.chaos.history.Transfer;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TxnSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * All or nothing, judged per txn from three sources: what the client was told (the history),
 * what the cluster decided, and what each participant applied.
 *
 * <ul>
 *   <li>{@code mixed-outcome}: one branch confirmed and another cancelled at the participants;
 *   <li>{@code contradicts-decision}: a branch applied the opposite of the cluster's decision, or
 *       a phase-2 call was applied for a txn the cluster never decided or does not know;
 *   <li>{@code ok-not-confirmed}: the client was told ok, the cluster did not confirm;
 *   <li>{@code failed-but-confirmed}: the client was told fail, the cluster confirmed;
 *   <li>{@code not-final}: the txn is still TRYING, CONFIRMING or CANCELLING at the end;
 *   <li>{@code branches-differ}: the cluster's branches are not the transfer's debit at the
 *       source's participant and credit at the destination's;
 *   <li>{@code resolved-by-operator}: an operator resolved a branch, so nothing ran for it;
 *   <li>{@code unknown-txn}: the cluster or a participant has a txn the workload never invoked.
 * </ul>
 *
 * Info (unknown) transfers may end either way. A branch applied nowhere is the order check's
 * {@code never-applied}; this check judges only outcomes that were applied.
 */
final class AtomicityCheck {
  /** A phase-2 call and the participant that applied it. */
  private record Located(String participant, AppliedCall call) {
    @Override
    public String toString() {
      return call.step() + " " + call.branchId() + "@" + participant + " seq " + call.seq();
    }
  }

  private AtomicityCheck() {}

  static List<Violation> run(Evidence evidence) {
    Map<String, List<Located>> appliedByXid = new HashMap<>();
    for (ParticipantLog log : evidence.state.participants().values()) {
      for (AppliedCall call : log.applied()) {
        appliedByXid.computeIfAbsent(call.xid(), x -> new ArrayList<>())
            .add(new Located(log.participant(), call));
      }
    }
    List<Violation> violations = new ArrayList<>();
    for (String xid : evidence.xids()) {
      Transfer transfer = evidence.transfers.get(xid);
      TxnSnapshot txn = evidence.state.cluster().get(xid);
      List<Located> applied = appliedByXid.getOrDefault(xid, List.of());
      if (transfer == null) {
        violations.add(violation("unknown-txn", xid, "the workload never invoked " + xid
            + ", yet the cluster " + (txn == null ? "does not know it" : "holds it " + txn.state())
            + " and participants applied " + applied));
        continue;
      }
      clientAgrees(xid, evidence.outcomes.get(xid), txn, violations);
      if (txn == null) {
        if (!applied.isEmpty()) {
          violations.add(violation("contradicts-decision", xid, "the cluster does not know "
              + xid + ", yet participants applied " + applied));
        }
        continue;
      }
      if (!Evidence.isFinal(txn)) {
        violations.add(violation("not-final", xid, xid + " is still " + txn.state()
            + " after healing and recovery"));
      }
      branchesMatch(transfer, txn, violations);
      appliedOutcomes(txn, applied, violations);
    }
    return violations;
  }

  private static void clientAgrees(String xid, EventType told, TxnSnapshot txn,
      List<Violation> violations) {
    String cluster = txn == null ? "unknown to the cluster" : txn.state().toString();
    if (told == EventType.OK && !Evidence.decidedConfirm(txn)) {
      violations.add(violation("ok-not-confirmed", xid, "the client was told ok, but " + xid
          + " is " + cluster));
    } else if (told == EventType.FAIL && Evidence.decidedConfirm(txn)) {
      violations.add(violation("failed-but-confirmed", xid, "the client was told fail, but "
          + xid + " is " + cluster));
    }
  }

  private static void branchesMatch(Transfer transfer, TxnSnapshot txn,
      List<Violation> violations) {
    Set<String> expected = new TreeSet<>(List.of(
        Transfer.DEBIT_BRANCH + "@" + transfer.from().participant(),
        Transfer.CREDIT_BRANCH + "@" + transfer.to().participant()));
    Set<String> actual = txn.branches().stream()
        .map(branch -> branch.branchId() + "@" + branch.participant())
        .collect(Collectors.toCollection(TreeSet::new));
    if (!expected.equals(actual) || txn.branches().size() != expected.size()) {
      violations.add(violation("branches-differ", txn.xid(), "the cluster holds branches "
          + actual + " of " + txn.xid() + ", the transfer " + transfer + " needs " + expected));
    }
  }

  private static void appliedOutcomes(TxnSnapshot txn, List<Located> applied,
      List<Violation> violations) {
    boolean confirmed = applied.stream()
        .anyMatch(located -> located.call().step() == AppliedCall.Step.CONFIRM);
    boolean cancelled = applied.stream().anyMatch(located -> located.call().step().cancels());
    String xid = txn.xid();
    if (confirmed && cancelled) {
      violations.add(violation("mixed-outcome", xid, xid + " is " + txn.state()
          + " in the cluster, but its branches were applied both ways: " + applied));
    } else if (confirmed && !Evidence.decidedConfirm(txn)
        || cancelled && !Evidence.decidedCancel(txn)) {
      violations.add(violation("contradicts-decision", xid, xid + " is " + txn.state()
          + " in the cluster, but participants applied " + applied));
    }
    List<String> resolved = new ArrayList<>();
    applied.stream().filter(located -> located.call().step() == AppliedCall.Step.RESOLVED)
        .forEach(located -> resolved.add(located.toString()));
    for (BranchSnapshot branch : txn.branches()) {
      if (branch.phase2State() == Phase2State.RESOLVED_BY_OPERATOR) {
        resolved.add(branch.branchId() + "@" + branch.participant() + " in the cluster");
      }
    }
    if (!resolved.isEmpty()) {
      violations.add(violation("resolved-by-operator", xid, "an operator resolved " + resolved
          + " of " + xid + ": nothing ran for it, so all-or-nothing is not shown"));
    }
  }

  private static Violation violation(String kind, String xid, String message) {
    return Violation.of(Check.ATOMICITY, kind, message, xid);
  }
}
