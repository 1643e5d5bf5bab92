package dev.sequent.coordinator.table;

import static dev.sequent.coordinator.table.TableHarness.branch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.Outcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Decisions, seq assignment, expiry and cluster time: DESIGN.md rules 2 and 3. */
class DecideExpireTest {

  private final TableHarness h = new TableHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private static Command.Begin begin(String xid, long timeoutMs, Branch... branches) {
    return new Command.Begin(xid, timeoutMs, List.of(branches));
  }

  private static List<Long> seqs(TxnView txn) {
    return txn.branches().stream().map(BranchView::seq).toList();
  }

  @Test
  void decisionAssignsEachParticipantItsNextSeqInRegistrationAndLogOrder() {
    h.one(0, begin("x1", 1000, branch("b1", "p1"), branch("b2", "p2"), branch("b3", "p1")));
    h.one(0, begin("x2", 1000, branch("b1", "p2"), branch("b2", "p1")));

    TxnView x2 = h.one(0, new Command.Decide("x2", Decision.CANCEL)).txn();
    TxnView x1 = h.one(0, new Command.Decide("x1", Decision.CONFIRM)).txn();

    assertEquals(List.of(1L, 1L), seqs(x2), "x2 was decided first: p2#1, p1#1");
    assertEquals(List.of(2L, 2L, 3L), seqs(x1), "then x1: p1#2, p2#2, p1#3");
    assertEquals(TxnState.CONFIRMING, x1.state());
    assertTrue(x1.branches().stream().allMatch(b -> b.state() == BranchState.PENDING));
    assertEquals(3, h.table.lastSeq(h.store, "p1"));
    assertEquals(0, h.table.watermark(h.store, "p1"));
    List<Phase2Record> p1 = h.table.pending(h.store, "p1", 0, 10);
    assertEquals(List.of(1L, 2L, 3L), p1.stream().map(Phase2Record::seq).toList());
    assertEquals(Decision.CANCEL, p1.get(0).decision());
    assertEquals("x1", p1.get(2).xid());
    assertEquals("b3", p1.get(2).branchId());
  }

  @Test
  void theSameDecisionAgainIsIdempotentAndTheOppositeIsDecisionConflict() {
    h.one(0, begin("x1", 1000, branch("b1", "p1")));
    TxnView first = h.one(0, new Command.Decide("x1", Decision.CONFIRM)).txn();

    CommandResult again = h.one(0, new Command.Decide("x1", Decision.CONFIRM));
    assertEquals(Outcome.OK, again.outcome());
    assertEquals(first, again.txn(), "a repeat assigns no new seq");
    CommandResult flip = h.one(0, new Command.Decide("x1", Decision.CANCEL));
    assertEquals(Outcome.DECISION_CONFLICT, flip.outcome());
    assertEquals(TxnState.CONFIRMING, flip.txn().state(), "the conflict shows the txn");
    assertEquals(1, h.table.lastSeq(h.store, "p1"));
  }

  @Test
  void decideOnAnUnknownTxnIsTxnNotFound() {
    assertEquals(Outcome.TXN_NOT_FOUND,
        h.one(0, new Command.Decide("x1", Decision.CANCEL)).outcome());
  }

  @Test
  void aTxnWithoutBranchesGoesStraightToItsFinalState() {
    h.one(0, begin("x1", 1000));
    h.one(0, begin("x2", 1000));
    assertEquals(TxnState.CONFIRMED,
        h.one(0, new Command.Decide("x1", Decision.CONFIRM)).txn().state());
    assertEquals(TxnState.CANCELLED,
        h.one(0, new Command.Decide("x2", Decision.CANCEL)).txn().state());
    assertEquals(0, h.table.activeTxns(h.store));
  }

  @Test
  void expiryCancelsTryingTxnsAtTheirDeadlineAndAConfirmAfterwardsIsRefused() {
    h.one(1_000, begin("x1", 100, branch("b1", "p1")));

    h.one(1_099, new Command.ExpireDue(10));
    assertEquals(TxnState.TRYING, h.find("x1").state(), "not due one ms before the deadline");
    h.one(1_100, new Command.ExpireDue(10));
    TxnView expired = h.find("x1");
    assertEquals(TxnState.CANCELLING, expired.state(), "due at the deadline itself");
    assertTrue(expired.expired());
    assertEquals(1, expired.branches().get(0).seq());

    CommandResult confirm = h.one(1_200, new Command.Decide("x1", Decision.CONFIRM));
    assertEquals(Outcome.DECISION_CONFLICT, confirm.outcome());
    assertEquals(Outcome.OK, h.one(1_200, new Command.Decide("x1", Decision.CANCEL)).outcome());
  }

  @Test
  void expiryTakesAtMostMaxTxnsEarliestDeadlineFirst() {
    h.apply(0, begin("late", 300), begin("early", 100), begin("mid", 200));

    CommandResult result = h.one(1_000, new Command.ExpireDue(2));

    assertEquals(Outcome.OK, result.outcome());
    assertTrue(h.find("early").expired());
    assertTrue(h.find("mid").expired());
    assertEquals(TxnState.TRYING, h.find("late").state());
    assertEquals(300, h.table.earliestDeadlineMs(h.store));
    h.one(1_000, new Command.ExpireDue(2));
    assertEquals(Long.MAX_VALUE, h.table.earliestDeadlineMs(h.store), "no TRYING txn left");
  }

  @Test
  void earliestDeadlineLooksOnlyWithinItsBoundsAndSkipsDecidedTxns() {
    h.apply(0, begin("a", 100), begin("b", 200), begin("c", 300));
    h.one(10, new Command.Decide("a", Decision.CONFIRM)); // deadline key of "a" is deleted

    assertEquals(200, h.table.earliestDeadlineMs(h.store), "a decided txn is not due");
    assertEquals(200, h.table.earliestDeadlineMs(h.store, 0, 200), "both ends inclusive");
    assertEquals(Long.MAX_VALUE, h.table.earliestDeadlineMs(h.store, 0, 199));
    assertEquals(300, h.table.earliestDeadlineMs(h.store, 201, Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, h.table.earliestDeadlineMs(h.store, 301, Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, h.table.earliestDeadlineMs(h.store, 250, 240), "empty range");

    h.one(250, new Command.ExpireDue(10)); // expires "b" only: due bounded by cluster time
    assertTrue(h.find("b").expired());
    assertEquals(TxnState.TRYING, h.find("c").state());
  }

  @Test
  void expiryNeverTouchesADecidedTxn() {
    h.one(0, begin("x1", 100, branch("b1", "p1")));
    h.one(10, new Command.Decide("x1", Decision.CONFIRM));

    h.one(10_000, new Command.ExpireDue(10));

    TxnView txn = h.find("x1");
    assertEquals(TxnState.CONFIRMING, txn.state());
    assertFalse(txn.expired());
    assertEquals(1, h.table.lastSeq(h.store, "p1"), "no second seq");
  }

  @Test
  void expireDueBelowOneIsInvalidAndAboveItsLimitIsBatchTooLarge() {
    assertEquals(Outcome.INVALID_ARGUMENT, h.one(0, new Command.ExpireDue(0)).outcome());
    assertEquals(Outcome.BATCH_TOO_LARGE, h.one(0,
        new Command.ExpireDue(TableLimits.DEFAULTS.expireBatchMax() + 1)).outcome());
  }

  @Test
  void clusterTimeNeverGoesBackwardsWhenALeaderClockIsBehind() {
    h.one(5_000, new Command.ExpireDue(1));
    assertEquals(5_000, h.table.clusterTimeMs(h.store));

    TxnView txn = h.one(4_000, begin("x1", 100)).txn();

    assertEquals(5_000, h.table.clusterTimeMs(h.store));
    assertEquals(5_000, txn.beganAtMs(), "begin uses cluster time, not the stale leader clock");
    assertEquals(5_100, txn.deadlineMs());
    h.one(5_100, new Command.ExpireDue(1));
    assertTrue(h.find("x1").expired());
  }

  @Test
  void commandsOfOneEntryRunInOrderEachSeeingTheOnesBefore() {
    List<CommandResult> results = h.apply(0,
        begin("x1", 100),
        new Command.RegisterBranch("x1", branch("b1", "p1")),
        new Command.Decide("x1", Decision.CONFIRM),
        new Command.RegisterBranch("x1", branch("b2", "p1")),
        new Command.RecordAcks(List.of(new Ack("p1", 1))));

    assertEquals(List.of(Outcome.OK, Outcome.OK, Outcome.OK, Outcome.NOT_TRYING, Outcome.OK),
        results.stream().map(CommandResult::outcome).toList());
    assertEquals(TxnState.CONFIRMED, h.find("x1").state());
  }

  @Test
  void applyingTheSameEntriesToAFreshStoreWritesTheSameBytes() {
    try (TableHarness other = new TableHarness()) {
      for (TableHarness each : List.of(h, other)) {
        each.apply(100, begin("x1", 100, branch("b1", "p1", 1)), begin("x2", 500));
        each.apply(150, new Command.Decide("x1", Decision.CONFIRM));
        each.apply(90, new Command.RegisterBranch("x2", branch("b9", "p2", 2, 3)));
        each.apply(700, new Command.ExpireDue(5), new Command.RecordAcks(
            List.of(new Ack("p1", 1), new Ack("p2", 1))));
      }
      assertEquals(h.dump(), other.dump());
      assertFalse(h.dump().isEmpty());
    }
  }
}
