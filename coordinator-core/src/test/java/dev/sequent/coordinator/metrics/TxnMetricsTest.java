package dev.sequent.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.TxnState;
import dev.sequent.protocol.Outcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Txn metrics count each txn once, on the entry that changed it: retries in a later entry, in the
 * same millisecond of cluster time, or in the same entry do not count again; refused commands do
 * not count; latencies come from the records' cluster times.
 */
class TxnMetricsTest {

  private final EntryHarness h = new EntryHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private static Branch branch(String id, String participant) {
    return new Branch(id, participant, new byte[] {1});
  }

  private static Command.Begin begin(String xid, long timeoutMs, Branch... branches) {
    return new Command.Begin(xid, timeoutMs, List.of(branches));
  }

  @Test
  void aBeginCountsOnceWhateverItsRetries() {
    Command.Begin begin = begin("x1", 60_000, branch("b", "p"));
    h.apply(1_000, begin, begin);
    h.apply(1_000, begin);
    h.apply(900, begin);
    h.apply(5_000, begin);
    h.apply(5_000, begin("x1", 60_000, branch("other", "p")));

    assertEquals(1, h.count(TxnMetrics.BEGUN));
    assertEquals(5, h.commands("begin", "OK"));
    assertEquals(1, h.commands("begin", "XID_CONFLICT"));
  }

  @Test
  void aDecisionCountsOnceAndRecordsItsLatency() {
    h.apply(1_000, begin("x1", 60_000, branch("b", "p")));
    Command.Decide confirm = new Command.Decide("x1", Decision.CONFIRM);
    h.apply(1_250, confirm, confirm);
    h.apply(1_250, confirm);
    h.apply(2_000, confirm);
    h.apply(2_000, new Command.Decide("x1", Decision.CANCEL));

    assertEquals(1, h.count(TxnMetrics.CONFIRMED));
    assertEquals(0, h.count(TxnMetrics.CANCELLED));
    assertEquals(1, h.timerCount(TxnMetrics.DECISION_LATENCY, "confirm"));
    assertEquals(250, h.timerTotalMs(TxnMetrics.DECISION_LATENCY, "confirm"));
    assertEquals(1, h.commands("decide", "DECISION_CONFLICT"));
  }

  @Test
  void aTxnBegunAndDecidedInOneEntryCountsBoth() {
    h.apply(1_000, begin("x1", 60_000), new Command.Decide("x1", Decision.CANCEL));

    assertEquals(1, h.count(TxnMetrics.BEGUN));
    assertEquals(1, h.count(TxnMetrics.CANCELLED));
    assertEquals(1, h.timerCount(TxnMetrics.DECISION_LATENCY, "cancel"));
    assertEquals(0, h.timerCount(TxnMetrics.PHASE2_LATENCY, "cancel"),
        "a txn without branches has no phase two to time");
  }

  @Test
  void expiryCountsAsExpiredNotAsTheInitiatorsCancel() {
    h.apply(1_000, begin("x1", 100, branch("b", "p")), begin("x2", 100), begin("x3", 60_000));
    // The initiator's cancel of x1 arrives in the same entry, after expiry cancelled it: it is
    // answered OK, but the initiator decided nothing.
    h.apply(1_500, new Command.ExpireDue(10), new Command.Decide("x1", Decision.CANCEL),
        new Command.Decide("x3", Decision.CANCEL));
    h.apply(1_600, new Command.ExpireDue(10));

    assertEquals(2, h.count(TxnMetrics.EXPIRED));
    assertEquals(1, h.count(TxnMetrics.CANCELLED), "only x3 was cancelled by its initiator");
    assertEquals(1, h.timerCount(TxnMetrics.DECISION_LATENCY, "cancel"));

    h.apply(1_900, new Command.RecordAcks(List.of(new Ack("p", 1))));
    assertEquals(1, h.timerCount(TxnMetrics.PHASE2_LATENCY, "cancel"));
    assertEquals(400, h.timerTotalMs(TxnMetrics.PHASE2_LATENCY, "cancel"),
        "phase two of an expired txn runs from the expiry");
  }

  @Test
  void phaseTwoEndsWhenTheLastBranchIsAcknowledgedOnce() {
    h.apply(1_000, begin("x1", 60_000, branch("b1", "p"), branch("b2", "q")),
        begin("x2", 60_000, branch("b", "p")));
    h.apply(1_100, new Command.Decide("x1", Decision.CONFIRM),
        new Command.Decide("x2", Decision.CONFIRM));
    h.apply(1_200, new Command.RecordAcks(List.of(new Ack("p", 1))));
    assertEquals(0, h.timerCount(TxnMetrics.PHASE2_LATENCY, "confirm"), "q has not acked");

    h.apply(1_400, new Command.RecordAcks(List.of(new Ack("q", 1), new Ack("p", 2))),
        new Command.RecordAcks(List.of(new Ack("q", 1), new Ack("p", 2))));
    h.apply(1_500, new Command.RecordAcks(List.of(new Ack("q", 1), new Ack("p", 2))));

    assertEquals(2, h.timerCount(TxnMetrics.PHASE2_LATENCY, "confirm"));
    assertEquals(600, h.timerTotalMs(TxnMetrics.PHASE2_LATENCY, "confirm"), "300 + 300 ms");
  }

  @Test
  void anOperatorsResolveCanEndPhaseTwo() {
    h.apply(1_000, begin("x1", 60_000, branch("b", "p")));
    h.apply(1_000, new Command.Decide("x1", Decision.CANCEL));
    h.apply(1_300, new Command.MarkNeedsOperator("p", 1));
    h.apply(1_700, new Command.OperatorResolve("p", 1), new Command.OperatorResolve("p", 1));
    assertEquals(1, h.timerCount(TxnMetrics.PHASE2_LATENCY, "cancel"));
    assertEquals(700, h.timerTotalMs(TxnMetrics.PHASE2_LATENCY, "cancel"));

    // The participant's ack still passes the resolved call later: the txn was already final.
    h.apply(2_000, new Command.RecordAcks(List.of(new Ack("p", 1))));
    assertEquals(1, h.timerCount(TxnMetrics.PHASE2_LATENCY, "cancel"));
    assertEquals(TxnState.CANCELLED, h.table.find(h.store, "x1").state());
  }

  @Test
  void refusedCommandsCountOnlyByOutcome() {
    h.apply(1_000, new Command.Decide("nope", Decision.CONFIRM), begin("bad id", 60_000),
        new Command.ExpireDue(0));

    assertEquals(0, h.count(TxnMetrics.BEGUN));
    assertEquals(0, h.count(TxnMetrics.CONFIRMED));
    assertEquals(0, h.count(TxnMetrics.EXPIRED));
    assertEquals(1, h.commands("decide", Outcome.TXN_NOT_FOUND.name()));
    assertEquals(1, h.commands("begin", Outcome.INVALID_ARGUMENT.name()));
    assertEquals(1, h.commands("expire_due", Outcome.INVALID_ARGUMENT.name()));
    assertEquals(0, h.count(TxnMetrics.ERRORS));
  }
}
