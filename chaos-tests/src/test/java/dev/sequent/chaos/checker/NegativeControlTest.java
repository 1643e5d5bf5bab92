package dev.sequent.chaos.checker;

import static dev.sequent.chaos.checker.BankScenario.A;
import static dev.sequent.chaos.checker.BankScenario.A1;
import static dev.sequent.chaos.checker.BankScenario.A2;
import static dev.sequent.chaos.checker.BankScenario.B;
import static dev.sequent.chaos.checker.BankScenario.B1;
import static dev.sequent.chaos.checker.BankScenario.B2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.history.Event;
import dev.sequent.chaos.history.EventType;
import dev.sequent.chaos.history.OpKind;
import dev.sequent.chaos.history.Read;
import dev.sequent.chaos.history.Transfer;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TxnState;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The negative control: the checker passes a correct run and catches each deliberately broken
 * one, with the right check, the right kind and the right txn ids. Each broken run changes one
 * thing in {@link BankScenario}; each test also pins which checks fire, so a check that starts
 * firing for the wrong reason (or stops firing) shows up here.
 */
class NegativeControlTest {
  private static final Logger LOG = LoggerFactory.getLogger(NegativeControlTest.class);

  @Test
  void aCorrectRunWithMoneyInFlightAndFrozenInReadsPassesWithZeroViolations() {
    CheckReport report = BankScenario.correct().check();
    assertTrue(report.ok(), report.describe());
    assertEquals(new OutcomeCounts(2, 2, 3), report.operations().get(OpKind.TRANSFER),
        "t1 t5 ok; t2 t6 fail; t3 t4 info, and t7 never completed counts as info");
    assertEquals(new OutcomeCounts(3, 1, 1), report.operations().get(OpKind.READ));
    assertEquals(new ReadTotals(3, 2, 0, -1, -1, 0), report.reads(),
        "r2 and r3 carry applied seqs and are checked exactly; r1 by the plain rule");
    assertTrue(report.line().startsWith("PASS: 0 violations; transfers 2 ok / 2 fail / 3 info"),
        report.line());
    LOG.info("correct run: {}", report.line());
  }

  @Test
  void aMixedOutcomeAtTheParticipantsIsCaughtByAtomicity() {
    // t5 is CONFIRMED and its debit confirmed at bank-a, but bank-b cancelled its credit. The
    // balances are left as if it had confirmed: only the participants' logs show the problem.
    Run run = BankScenario.correct();
    run.step(B, "t5", Transfer.CREDIT_BRANCH, AppliedCall.Step.CANCEL);
    CheckReport report = caught(run, Check.ATOMICITY, "mixed-outcome", List.of("t5"));
    assertEquals(EnumSet.of(Check.ATOMICITY), failing(report));
  }

  @Test
  void aDuplicateConfirmAtAParticipantIsCaughtByAtMostOnce() {
    // bank-a applied t5's debit confirm (seq 6) a second time, right after the first.
    Run run = BankScenario.correct();
    List<AppliedCall> log = run.logs.get(A);
    int at = run.logIndex(A, "t5", Transfer.DEBIT_BRANCH);
    log.add(at + 1, log.get(at));
    CheckReport report = caught(run, Check.AT_MOST_ONCE, "applied-twice", List.of("t5"));
    assertEquals(EnumSet.of(Check.AT_MOST_ONCE), failing(report),
        "an exact repeat is reported once, by at-most-once, not also as out of order");
  }

  @Test
  void aDuplicateUnderANewSeqIsCaughtByAtMostOnceAndOrder() {
    // A fence that lost a row could apply t1's credit again under bank-b's next seq.
    Run run = BankScenario.correct();
    run.logs.get(B).add(new AppliedCall("t1", Transfer.CREDIT_BRANCH, 6, AppliedCall.Step.CONFIRM));
    caught(run, Check.AT_MOST_ONCE, "applied-twice", List.of("t1"));
    CheckReport report = caught(run, Check.ORDER, "not-assigned", List.of("t1"));
    assertEquals(EnumSet.of(Check.AT_MOST_ONCE, Check.ORDER), failing(report));
  }

  @Test
  void twoConfirmsAppliedInSwappedOrderAreCaughtByOrder() {
    // bank-a applied t7's debit (seq 7) before t5's (seq 6): each is the right call, in the
    // wrong order.
    Run run = BankScenario.correct();
    Collections.swap(run.logs.get(A), run.logIndex(A, "t5", Transfer.DEBIT_BRANCH),
        run.logIndex(A, "t7", Transfer.DEBIT_BRANCH));
    CheckReport report = caught(run, Check.ORDER, "out-of-order", List.of("t5", "t7"));
    assertEquals(EnumSet.of(Check.ORDER), failing(report));
  }

  @Test
  void aReadWhoseTotalIsOffIsCaughtByConservation() {
    // r3, an exact read, saw 5 less in a2 than bank-a held at its applied seq.
    Run run = BankScenario.correct();
    replaceRead(run, BankScenario.R3_OK_INDEX, A2, new Balance(85, 0));
    CheckReport report = caught(run, Check.CONSERVATION, "wrong-total", List.of());
    caught(run, Check.CONSERVATION, "wrong-balance", List.of());
    assertEquals(EnumSet.of(Check.CONSERVATION), failing(report));
    assertEquals(new ReadTotals(3, 2, 1, 16, 16, -5), report.reads());
  }

  @Test
  void aPlainReadWhoseTotalIsOffIsCaughtByConservation() {
    // r1 carries no applied seqs, so only the plain rule (sum == initial total) can judge it.
    Run run = BankScenario.correct();
    replaceRead(run, BankScenario.R1_OK_INDEX, B2, new Balance(100, 3));
    CheckReport report = caught(run, Check.CONSERVATION, "wrong-total", List.of());
    assertEquals(EnumSet.of(Check.CONSERVATION), failing(report));
    assertEquals(new ReadTotals(3, 2, 1, 1, 1, 3), report.reads());
  }

  @Test
  void aReadWithoutAppliedSeqsMayBeOffByTheMoneyPossiblyInFlightButNoMore() {
    // r2 without its applied seqs: 370 seen, and t1's 30 (confirmed, invoked before) may be in
    // flight, so 370 is within the bound and passes; 365 is not.
    Run run = BankScenario.correct();
    Event r2 = run.events.get(BankScenario.R2_OK_INDEX);
    run.events.set(BankScenario.R2_OK_INDEX, new Event(r2.index(), r2.type(), r2.process(),
        r2.timeNs(), Read.of(r2.read().balances()), r2.error()));
    CheckReport passed = run.check();
    assertTrue(passed.ok(), passed.describe());
    assertEquals(new ReadTotals(3, 1, 0, -1, -1, 0), passed.reads());

    replaceRead(run, BankScenario.R2_OK_INDEX, A2, new Balance(95, 0));
    CheckReport report = caught(run, Check.CONSERVATION, "wrong-total", List.of());
    assertEquals(EnumSet.of(Check.CONSERVATION), failing(report));
    assertEquals(new ReadTotals(3, 1, 1, 5, 5, -35), report.reads());
  }

  @Test
  void aFinalTotalThatIsOffIsCaughtByConservation() {
    // 5 vanished from b1 at the end.
    Run run = BankScenario.correct();
    run.addAvailable(B1, -5);
    CheckReport report = caught(run, Check.CONSERVATION, "wrong-final-total", List.of());
    caught(run, Check.CONSERVATION, "balance-mismatch", List.of());
    assertEquals(EnumSet.of(Check.CONSERVATION), failing(report));
  }

  @Test
  void moneyMovedToTheWrongAccountIsCaughtByTheReplayEvenWithTheRightTotal() {
    Run run = BankScenario.correct();
    run.addAvailable(B1, -5);
    run.addAvailable(B2, 5);
    CheckReport report = caught(run, Check.CONSERVATION, "balance-mismatch", List.of());
    assertEquals(2, report.violations(Check.CONSERVATION).size(), report.describe());
  }

  @Test
  void moneyLeftFrozenIsCaughtByConservationWithTheTxnThatFroze() {
    // t4's debit froze 20 in b1, and bank-b recorded its cancel as an empty cancel, so the
    // freeze was never released: the total is right, but 20 is stuck.
    Run run = BankScenario.correct();
    run.step(B, "t4", Transfer.DEBIT_BRANCH, AppliedCall.Step.EMPTY_CANCEL);
    run.balances.put(B1, new Balance(110, 20));
    CheckReport report = caught(run, Check.CONSERVATION, "frozen-at-end", List.of("t4"));
    assertEquals(EnumSet.of(Check.CONSERVATION), failing(report));
  }

  @Test
  void anOkTransferThatEndedCancelledIsCaughtByAtomicity() {
    // The client was told t5 succeeded, yet the cluster cancelled it and both banks undid it.
    Run run = BankScenario.correct();
    run.state("t5", TxnState.CANCELLED);
    run.step(A, "t5", Transfer.DEBIT_BRANCH, AppliedCall.Step.CANCEL);
    run.step(B, "t5", Transfer.CREDIT_BRANCH, AppliedCall.Step.CANCEL);
    run.addAvailable(A1, 5);
    run.addAvailable(B2, -5);
    CheckReport report = caught(run, Check.ATOMICITY, "ok-not-confirmed", List.of("t5"));
    assertEquals(EnumSet.of(Check.ATOMICITY), failing(report));
  }

  @Test
  void aFailedTransferThatTheClusterConfirmedIsCaughtByAtomicity() {
    Run run = BankScenario.correct();
    run.retype(run.completionOf("t1"), EventType.FAIL);
    CheckReport report = caught(run, Check.ATOMICITY, "failed-but-confirmed", List.of("t1"));
    assertEquals(EnumSet.of(Check.ATOMICITY), failing(report));
  }

  @Test
  void aTxnLeftConfirmingIsCaughtByAtomicityAndLiveness() {
    // t7's credit was applied but its ack never reached the cluster, which still delivers it.
    Run run = BankScenario.correct();
    run.state("t7", TxnState.CONFIRMING);
    run.phase2("t7", Transfer.CREDIT_BRANCH, Phase2State.PENDING);
    caught(run, Check.ATOMICITY, "not-final", List.of("t7"));
    CheckReport report = caught(run, Check.LIVENESS, "not-final", List.of("t7"));
    assertEquals(EnumSet.of(Check.ATOMICITY, Check.LIVENESS), failing(report));
  }

  @Test
  void aConfirmLostAtAParticipantIsCaughtByOrderAndConservation() {
    // The cluster holds t7 CONFIRMED, but bank-b never applied its credit (seq 5): the 15 is
    // lost, and bank-b's fence stopped at seq 4.
    Run run = BankScenario.correct();
    run.logs.get(B).remove(run.logIndex(B, "t7", Transfer.CREDIT_BRANCH));
    run.watermarks.put(B, 4L);
    run.addAvailable(B2, -15);
    caught(run, Check.ORDER, "never-applied", List.of("t7"));
    caught(run, Check.ORDER, "watermark", List.of());
    CheckReport report = caught(run, Check.CONSERVATION, "wrong-final-total", List.of());
    assertEquals(EnumSet.of(Check.ORDER, Check.CONSERVATION), failing(report));
  }

  @Test
  void aSlowOrMissingRecoveryIsCaughtByLiveness() {
    Run run = BankScenario.correct();
    run.recovery = Recovery.within(45_000, 30_000);
    caught(run, Check.LIVENESS, "slow-recovery", List.of());
    run.recovery = Recovery.never(false, 30_000);
    caught(run, Check.LIVENESS, "no-leader", List.of());
    CheckReport report = caught(run, Check.LIVENESS, "not-recovered", List.of());
    assertEquals(EnumSet.of(Check.LIVENESS), failing(report));
  }

  @Test
  void aTxnTheWorkloadNeverRanIsCaughtByAtomicity() {
    Run run = BankScenario.correct();
    run.logs.get(A).add(new AppliedCall("ghost", "debit", 8, AppliedCall.Step.CONFIRM));
    run.watermarks.put(A, 8L);
    caught(run, Check.ATOMICITY, "unknown-txn", List.of("ghost"));
    CheckReport report = caught(run, Check.ORDER, "not-assigned", List.of("ghost"));
    assertFalse(report.ok());
  }

  /** Asserts a violation of this check and kind with exactly these xids; returns the report. */
  static CheckReport caught(Run run, Check check, String kind, List<String> xids) {
    CheckReport report = run.check();
    List<Violation> found = report.violations(check).stream()
        .filter(v -> v.kind().equals(kind)).collect(Collectors.toList());
    assertFalse(found.isEmpty(), "expected " + check + " " + kind + " in:\n"
        + report.describe());
    assertTrue(found.stream().anyMatch(v -> v.xids().equals(xids)), "expected xids " + xids
        + " in " + found);
    LOG.info("caught {} {}: {}", check, kind, found.get(0));
    return report;
  }

  static Set<Check> failing(CheckReport report) {
    Map<Check, Long> counts = new HashMap<>(report.countsByCheck());
    counts.values().removeIf(count -> count == 0);
    return counts.isEmpty() ? EnumSet.noneOf(Check.class) : EnumSet.copyOf(counts.keySet());
  }

  private static void replaceRead(Run run, int index, AccountRef account, Balance balance) {
    Event event = run.events.get(index);
    Map<AccountRef, Balance> balances = new HashMap<>(event.read().balances());
    balances.put(account, balance);
    run.events.set(index, new Event(event.index(), event.type(), event.process(),
        event.timeNs(), new Read(balances, event.read().appliedSeqs()), event.error()));
  }
}
