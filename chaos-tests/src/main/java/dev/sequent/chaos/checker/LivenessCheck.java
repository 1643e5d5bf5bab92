package dev.sequent.chaos.checker;

import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TxnSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * After every fault is healed, the cluster recovers by itself within the bound: it elects a
 * leader, finishes or expires every txn, and delivers every phase-2 call.
 *
 * <ul>
 *   <li>{@code no-leader}: no leader after healing;
 *   <li>{@code not-recovered}: the harness stopped waiting before every txn was final;
 *   <li>{@code slow-recovery}: every txn was final, but later than the bound;
 *   <li>{@code not-final}: a txn still TRYING, CONFIRMING or CANCELLING in the final state;
 *   <li>{@code needs-operator}: the cluster gave up delivering a phase-2 call.
 * </ul>
 */
final class LivenessCheck {
  private LivenessCheck() {}

  static List<Violation> run(Evidence evidence) {
    List<Violation> violations = new ArrayList<>();
    Recovery recovery = evidence.recovery;
    if (!recovery.leaderElected()) {
      violations.add(Violation.of(Check.LIVENESS, "no-leader",
          "no leader was elected after healing"));
    }
    if (recovery.recoveryMs() == Recovery.NOT_RECOVERED) {
      violations.add(Violation.of(Check.LIVENESS, "not-recovered", "not every txn was final"
          + " when the harness stopped waiting (bound " + recovery.boundMs() + " ms)"));
    } else if (recovery.recoveryMs() > recovery.boundMs()) {
      violations.add(Violation.of(Check.LIVENESS, "slow-recovery", "every txn was final "
          + recovery.recoveryMs() + " ms after healing, over the bound of "
          + recovery.boundMs() + " ms"));
    }
    for (TxnSnapshot txn : evidence.state.cluster().values()) {
      if (!Evidence.isFinal(txn)) {
        violations.add(Violation.of(Check.LIVENESS, "not-final", txn.xid() + " is still "
            + txn.state() + " after recovery", txn.xid()));
      }
      for (BranchSnapshot branch : txn.branches()) {
        if (branch.phase2State() == Phase2State.NEEDS_OPERATOR) {
          violations.add(Violation.of(Check.LIVENESS, "needs-operator", "the cluster gave up"
              + " delivering phase two of " + txn.xid() + "/" + branch.branchId() + " to "
              + branch.participant(), txn.xid()));
        }
      }
    }
    return violations;
  }
}
