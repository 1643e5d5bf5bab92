package dev.sequent.coordinator.table;

import static dev.sequent.coordinator.table.TableHarness.branch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.Outcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Acks, watermarks and operator actions: DESIGN.md "Phase two". */
class PhaseTwoTest {

  private final TableHarness h = new TableHarness(
      new TableLimits(16, 8, 8, 16, 100, 10, 10_000, 3, 8, 100));

  @AfterEach
  void close() {
    h.close();
  }

  /** x1 confirms p1#1, p2#1, p1#2; then x2 cancels p1#3. */
  @BeforeEach
  void twoDecidedTxns() {
    h.apply(0,
        new Command.Begin("x1", 1000,
            List.of(branch("b1", "p1"), branch("b2", "p2"), branch("b3", "p1"))),
        new Command.Begin("x2", 1000, List.of(branch("b1", "p1", 5))),
        new Command.Decide("x1", Decision.CONFIRM),
        new Command.Decide("x2", Decision.CANCEL));
  }

  private CommandResult ack(String participant, long seq) {
    return h.one(0, new Command.RecordAcks(List.of(new Ack(participant, seq))));
  }

  private BranchState branchState(String xid, int index) {
    return h.find(xid).branches().get(index).state();
  }

  @Test
  void aCumulativeAckMarksEveryCallUpToItAndAdvancesTheWatermark() {
    assertEquals(Outcome.OK, ack("p1", 2).outcome());

    assertEquals(2, h.table.watermark(h.store, "p1"));
    assertEquals(BranchState.ACKED, branchState("x1", 0));
    assertEquals(BranchState.PENDING, branchState("x1", 1), "p2 acked nothing yet");
    assertEquals(BranchState.ACKED, branchState("x1", 2));
    assertEquals(TxnState.CONFIRMING, h.find("x1").state());
    assertEquals(List.of(3L),
        h.table.pending(h.store, "p1", 2, 10).stream().map(Phase2Record::seq).toList());
  }

  @Test
  void aTxnBecomesFinalOnceEveryBranchIsAcked() {
    h.one(0, new Command.RecordAcks(List.of(new Ack("p1", 3), new Ack("p2", 1))));

    assertEquals(TxnState.CONFIRMED, h.find("x1").state());
    assertEquals(TxnState.CANCELLED, h.find("x2").state());
    assertTrue(h.table.pending(h.store, "p1", 0, 10).isEmpty());
  }

  @Test
  void anAckAtOrBelowTheWatermarkIsADuplicateAndChangesNothing() {
    ack("p1", 2);
    String before = h.dump();

    assertEquals(Outcome.OK, ack("p1", 2).outcome());
    assertEquals(Outcome.OK, ack("p1", 1).outcome());
    assertEquals(Outcome.OK, ack("p1", -7).outcome());

    assertEquals(before, h.dump());
  }

  @Test
  void anAckBeyondTheLastAssignedSeqIsIgnoredNotClamped() {
    CommandResult result = ack("p1", 4);

    assertEquals(Outcome.OK, result.outcome());
    assertTrue(result.detail().contains("ignored 1"), result.detail());
    assertEquals(0, h.table.watermark(h.store, "p1"), "nothing of a bogus ack is trusted");
    assertEquals(0, h.table.watermark(h.store, "nobody"));
  }

  @Test
  void ackBatchesOverTheLimitOrWithABadNameAreRefusedWhole() {
    CommandResult tooMany = h.one(0, new Command.RecordAcks(List.of(
        new Ack("p1", 1), new Ack("p1", 2), new Ack("p1", 3), new Ack("p2", 1))));
    assertEquals(Outcome.BATCH_TOO_LARGE, tooMany.outcome());
    CommandResult badName =
        h.one(0, new Command.RecordAcks(List.of(new Ack("p1", 1), new Ack("", 1))));
    assertEquals(Outcome.INVALID_ARGUMENT, badName.outcome());
    assertEquals(0, h.table.watermark(h.store, "p1"), "a refused command applies no ack");
  }

  @Test
  void anOperatorResolutionCountsTowardsCompletion() {
    ack("p1", 2);
    CommandResult marked = h.one(0, new Command.MarkNeedsOperator("p2", 1));
    assertEquals(Outcome.OK, marked.outcome());
    assertEquals(BranchState.NEEDS_OPERATOR, marked.txn().branches().get(1).state());
    assertEquals(BranchState.NEEDS_OPERATOR, h.table.pending(h.store, "p2", 0, 1).get(0).state());

    CommandResult resolved = h.one(0, new Command.OperatorResolve("p2", 1));

    assertEquals(BranchState.RESOLVED_BY_OPERATOR, resolved.txn().branches().get(1).state());
    assertEquals(TxnState.CONFIRMED, resolved.txn().state());
    assertEquals(0, h.table.watermark(h.store, "p2"), "only the participant moves its watermark");
    assertEquals(1, h.table.pending(h.store, "p2", 0, 10).size(),
        "the call stays listed until the participant's acks pass it");
  }

  @Test
  void anAckCoveringAResolvedCallLeavesItResolved() {
    h.one(0, new Command.OperatorResolve("p1", 1));
    ack("p1", 1);

    assertEquals(BranchState.RESOLVED_BY_OPERATOR, branchState("x1", 0));
    assertEquals(1, h.table.watermark(h.store, "p1"));
  }

  @Test
  void operatorCommandsOnAckedOrUnknownCallsAreHarmless() {
    ack("p1", 1);
    String before = h.dump();
    CommandResult late = h.one(0, new Command.MarkNeedsOperator("p1", 1));
    assertEquals(Outcome.OK, late.outcome(), "the ack won the race: nothing to mark");
    assertNull(late.txn());
    assertEquals(before, h.dump());

    assertEquals(Outcome.PHASE2_CALL_NOT_FOUND, h.one(0, new Command.OperatorResolve("p1", 4))
        .outcome(), "never assigned");
    assertEquals(Outcome.PHASE2_CALL_NOT_FOUND, h.one(0, new Command.MarkNeedsOperator("p9", 1))
        .outcome(), "a participant that never had a call");
    assertEquals(Outcome.INVALID_ARGUMENT, h.one(0, new Command.OperatorResolve("p1", 0))
        .outcome(), "seqs start at 1");
    assertEquals(Outcome.INVALID_ARGUMENT, h.one(0, new Command.MarkNeedsOperator("", 2))
        .outcome());
  }

  @Test
  void markingTwiceOrAfterResolutionChangesNothing() {
    h.one(0, new Command.MarkNeedsOperator("p1", 2));
    String marked = h.dump();
    assertEquals(Outcome.OK, h.one(0, new Command.MarkNeedsOperator("p1", 2)).outcome());
    assertEquals(marked, h.dump());

    h.one(0, new Command.OperatorResolve("p1", 2));
    CommandResult remark = h.one(0, new Command.MarkNeedsOperator("p1", 2));
    assertEquals(BranchState.RESOLVED_BY_OPERATOR, remark.txn().branches().get(2).state());
  }

  @Test
  void pendingPagesFromAGivenSeqWithPayloads() {
    List<Phase2Record> page = h.table.pending(h.store, "p1", 1, 1);

    assertEquals(1, page.size());
    Phase2Record call = page.get(0);
    assertEquals(new Phase2Record("p1", 2, "x1", "b3", Decision.CONFIRM, BranchState.PENDING,
        new byte[0]), call);
    assertEquals(5, h.table.pending(h.store, "p1", 2, 5).get(0).payload()[0]);
    assertTrue(h.table.pending(h.store, "unknown", 0, 5).isEmpty());
  }

  @Test
  void anAckAtOrPastANeedsOperatorCallClearsIt() {
    h.one(0, new Command.MarkNeedsOperator("p1", 3));
    assertEquals(BranchState.NEEDS_OPERATOR, branchState("x2", 0));

    ack("p1", 3);

    assertEquals(BranchState.ACKED, branchState("x2", 0), "the participant applied it after all");
    assertEquals(TxnState.CANCELLED, h.find("x2").state());
    assertEquals(3, h.table.watermark(h.store, "p1"));
  }

  @Test
  void aResolvedCallStaysPendingInOrderUntilTheParticipantAcksIt() {
    CommandResult resolved = h.one(0, new Command.OperatorResolve("p1", 2));
    assertEquals(Outcome.OK, resolved.outcome());
    assertEquals(BranchState.RESOLVED_BY_OPERATOR, resolved.txn().branches().get(2).state(),
        "a PENDING call can be resolved without being marked first");

    List<Phase2Record> pending = h.table.pending(h.store, "p1", 0, 10);
    assertEquals(List.of(1L, 2L, 3L), pending.stream().map(Phase2Record::seq).toList(),
        "strict order: the resolved seq is still delivered between its neighbours");
    assertEquals(List.of(BranchState.PENDING, BranchState.RESOLVED_BY_OPERATOR,
        BranchState.PENDING), pending.stream().map(Phase2Record::state).toList());
    assertEquals(0, h.table.watermark(h.store, "p1"), "only acks move the watermark");

    ack("p1", 2);
    assertEquals(List.of(3L), h.table.pending(h.store, "p1", 2, 10).stream()
        .map(Phase2Record::seq).toList());
    assertEquals(BranchState.RESOLVED_BY_OPERATOR, branchState("x1", 2));
  }

  @Test
  void operatorCommandsTellAMalformedSeqFromOneNeverAssigned() {
    assertEquals(Outcome.INVALID_ARGUMENT,
        h.one(0, new Command.MarkNeedsOperator("p1", -1)).outcome());
    assertEquals(Outcome.PHASE2_CALL_NOT_FOUND,
        h.one(0, new Command.MarkNeedsOperator("p1", 4)).outcome());
    assertEquals(Outcome.OK, h.one(0, new Command.MarkNeedsOperator("p1", 3)).outcome());
  }
}
