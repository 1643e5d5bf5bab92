package dev.sequent.chaos.checker;

import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.TxnSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each participant applied exactly the cluster's phase-2 calls, in the cluster's decision order:
 * the cluster numbers each participant's calls 1, 2, 3... as it decides, and the participant's
 * log must follow those seqs exactly. One pass per participant.
 *
 * <ul>
 *   <li>{@code seq-assigned-twice}: the cluster gave one seq of a participant to two branches;
 *   <li>{@code seq-gap}: the cluster's seqs for a participant skip a number, so phase two there
 *       could never pass it;
 *   <li>{@code out-of-order}: a call applied after a call with a higher (or the same) seq;
 *   <li>{@code not-assigned}: a call applied under a seq the cluster gave to another branch (or
 *       to none);
 *   <li>{@code never-applied}: a decided branch whose participant shows no phase two for it;
 *   <li>{@code watermark}: the fence's applied seq is not the last seq the cluster assigned.
 * </ul>
 *
 * An exact repeat of an applied call is left to the at-most-once check, so one duplicate is
 * reported once, where it belongs.
 */
final class OrderCheck {
  /** Lists in messages stop after this many items. */
  static final int LISTED_MAX = 10;

  /** The branch the cluster gave a seq to. */
  private record Slot(String xid, String branchId) {
    boolean isOf(AppliedCall call) {
      return xid.equals(call.xid()) && branchId.equals(call.branchId());
    }

    @Override
    public String toString() {
      return xid + "/" + branchId;
    }
  }

  private OrderCheck() {}

  static List<Violation> run(Evidence evidence) {
    List<Violation> violations = new ArrayList<>();
    for (String participant : evidence.participants()) {
      TreeMap<Long, Slot> assigned = assigned(participant, evidence, violations);
      gaps(participant, assigned, violations);
      List<AppliedCall> applied = evidence.applied(participant);
      appliedInOrder(participant, applied, assigned, violations);
      Set<Slot> done = new HashSet<>();
      applied.forEach(call -> done.add(new Slot(call.xid(), call.branchId())));
      assigned.forEach((seq, slot) -> {
        if (!done.contains(slot)) {
          violations.add(Violation.of(Check.ORDER, "never-applied", participant
              + " never applied seq " + seq + " (" + slot + "), decided by the cluster",
              slot.xid()));
        }
      });
      ParticipantLog log = evidence.state.participants().get(participant);
      long last = assigned.isEmpty() ? 0 : assigned.lastKey();
      if (log != null && log.watermark() != ParticipantLog.UNKNOWN_WATERMARK
          && log.watermark() != last) {
        violations.add(Violation.of(Check.ORDER, "watermark", participant + "'s fence has "
            + "applied up to seq " + log.watermark() + ", the cluster assigned up to " + last));
      }
    }
    return violations;
  }

  /** The cluster's seqs for the participant: seq to branch. */
  private static TreeMap<Long, Slot> assigned(String participant, Evidence evidence,
      List<Violation> violations) {
    TreeMap<Long, Slot> assigned = new TreeMap<>();
    for (TxnSnapshot txn : evidence.state.cluster().values()) {
      for (BranchSnapshot branch : txn.branches()) {
        if (!branch.participant().equals(participant) || branch.seq() <= 0) {
          continue; // another participant's, or not decided yet
        }
        Slot slot = new Slot(txn.xid(), branch.branchId());
        Slot other = assigned.putIfAbsent(branch.seq(), slot);
        if (other != null) {
          violations.add(Violation.of(Check.ORDER, "seq-assigned-twice", "the cluster gave "
              + participant + "'s seq " + branch.seq() + " to both " + other + " and " + slot,
              other.xid(), slot.xid()));
        }
      }
    }
    return assigned;
  }

  private static void gaps(String participant, TreeMap<Long, Slot> assigned,
      List<Violation> violations) {
    if (assigned.isEmpty() || assigned.lastKey() == assigned.size()) {
      return; // seqs are 1..n with none repeated, so none is missing
    }
    List<Long> missing = new ArrayList<>();
    long count = 0;
    for (long seq = 1; seq <= assigned.lastKey(); seq++) {
      if (!assigned.containsKey(seq)) {
        count++;
        if (missing.size() < LISTED_MAX) {
          missing.add(seq);
        }
      }
    }
    violations.add(Violation.of(Check.ORDER, "seq-gap", "the cluster's seqs for "
        + participant + " skip " + count + " numbers " + missing + (count > LISTED_MAX
            ? "..." : "") + " up to " + assigned.lastKey()
        + ": phase two there could not pass them"));
  }

  private static void appliedInOrder(String participant, List<AppliedCall> applied,
      Map<Long, Slot> assigned, List<Violation> violations) {
    Set<AppliedCall> seen = new HashSet<>();
    AppliedCall previous = null;
    for (AppliedCall call : applied) {
      if (!seen.add(call)) {
        continue; // an exact repeat: the at-most-once check reports it
      }
      if (previous != null && call.seq() <= previous.seq()) {
        violations.add(Violation.of(Check.ORDER, "out-of-order", participant + " applied "
            + call + " after " + previous, call.xid(), previous.xid()));
      }
      Slot slot = assigned.get(call.seq());
      if (slot == null || !slot.isOf(call)) {
        List<String> xids = new ArrayList<>(List.of(call.xid()));
        if (slot != null) {
          xids.add(slot.xid());
        }
        violations.add(new Violation(Check.ORDER, "not-assigned", xids, participant
            + " applied " + call + ", but the cluster gave seq " + call.seq() + " to "
            + (slot == null ? "no branch" : slot)));
      }
      if (previous == null || call.seq() > previous.seq()) {
        previous = call;
      }
    }
  }
}
