package dev.sequent.coordinator.table;

import static dev.sequent.coordinator.table.TableHarness.branch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.coordinator.table.TxnChange.Kind;
import dev.sequent.protocol.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle steps the applier reports (what metrics count): each once, at the entry that
 * makes it, with the cluster times of the record; retries, repeats and refusals report nothing.
 */
class TxnChangeTest {
  private final TableHarness h = new TableHarness();

  @AfterEach
  void close() {
    h.close();
  }

  /** Applies one entry; returns what it reported. */
  private List<TxnChange> apply(long leaderTimeMs, Command... commands) {
    List<TxnChange> changes = new ArrayList<>();
    h.apply(leaderTimeMs, Arrays.asList(commands), changes::add);
    return changes;
  }

  private static Command.Begin begin(String xid, Branch... branches) {
    return new Command.Begin(xid, 10_000, List.of(branches));
  }

  @Test
  void aConfirmedTxnReportsBegunDecidedAndFinishedOnceEach() {
    Command.Begin begin = begin("x1", branch("b1", "p1"), branch("b2", "p2"));

    assertEquals(List.of(new TxnChange(Kind.BEGUN, "x1", null, 1_000, TxnView.UNKNOWN_MS)),
        apply(1_000, begin));
    assertEquals(List.of(), apply(1_100, begin), "a retried begin is no new txn");

    Command.Decide confirm = new Command.Decide("x1", Decision.CONFIRM);
    assertEquals(List.of(new TxnChange(Kind.DECIDED, "x1", Decision.CONFIRM, 1_000, 1_200)),
        apply(1_200, confirm));
    assertEquals(List.of(), apply(1_250, confirm), "a repeated decision decides nothing");
    assertEquals(List.of(), apply(1_260, new Command.Decide("x1", Decision.CANCEL)),
        "a refused flip changes nothing");

    assertEquals(List.of(), apply(1_300, new Command.RecordAcks(List.of(new Ack("p1", 1)))),
        "one branch of two acknowledged: phase two goes on");
    assertEquals(List.of(new TxnChange(Kind.FINISHED, "x1", Decision.CONFIRM, 1_000, 1_200)),
        apply(1_400, new Command.RecordAcks(List.of(new Ack("p2", 1)))));
    assertEquals(List.of(), apply(1_500, new Command.RecordAcks(List.of(new Ack("p2", 1)))),
        "a repeated ack finishes nothing");
  }

  @Test
  void anExpiryIsReportedAsExpiredNotDecided() {
    apply(1_000, begin("x1", branch("b1", "p1")));

    assertEquals(List.of(new TxnChange(Kind.EXPIRED, "x1", Decision.CANCEL, 1_000, 11_000)),
        apply(11_000, new Command.ExpireDue(10)));
    assertEquals(List.of(), apply(11_100, new Command.Decide("x1", Decision.CANCEL)),
        "the initiator's late cancel repeats the expiry's decision");
  }

  @Test
  void anOperatorResolutionOfTheLastOpenBranchFinishesTheTxn() {
    apply(1_000, begin("x1", branch("b1", "p1"), branch("b2", "p1")));
    apply(1_100, new Command.Decide("x1", Decision.CANCEL));

    assertEquals(List.of(), apply(1_200, new Command.MarkNeedsOperator("p1", 1)));
    assertEquals(List.of(), apply(1_300, new Command.OperatorResolve("p1", 1)),
        "the other branch is still open");
    assertEquals(List.of(new TxnChange(Kind.FINISHED, "x1", Decision.CANCEL, 1_000, 1_100)),
        apply(1_400, new Command.OperatorResolve("p1", 2)));
    assertEquals(List.of(), apply(1_500, new Command.RecordAcks(List.of(new Ack("p1", 2)))),
        "acks after the resolution close no branch");
  }

  @Test
  void aTxnWithoutBranchesHasNoPhaseTwoToFinish() {
    apply(1_000, begin("x1"));

    assertEquals(List.of(new TxnChange(Kind.DECIDED, "x1", Decision.CONFIRM, 1_000, 1_100)),
        apply(1_100, new Command.Decide("x1", Decision.CONFIRM)));
    assertEquals(TxnState.CONFIRMED, h.find("x1").state());
  }

  @Test
  void aRefusedBeginReportsNothing() {
    List<TxnChange> changes = new ArrayList<>();
    List<CommandResult> results =
        h.apply(1_000, List.of(new Command.Begin("x1", 1, List.of())), changes::add);
    assertEquals(Outcome.TIMEOUT_OUT_OF_RANGE, results.get(0).outcome());
    assertEquals(List.of(), changes);
  }
}
