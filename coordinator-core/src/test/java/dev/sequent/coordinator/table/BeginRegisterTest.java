package dev.sequent.coordinator.table;

import static dev.sequent.coordinator.table.TableHarness.branch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sequent.protocol.Outcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Begin and register: DESIGN.md rules 3 and 6, one rule per test. */
class BeginRegisterTest {

  private static final TableLimits LIMITS =
      new TableLimits(16, 8, 3, 4, 2, 10, 1000, 8, 8, 100);
  private final TableHarness h = new TableHarness(LIMITS);

  @AfterEach
  void close() {
    h.close();
  }

  private static Command.Begin begin(String xid, long timeoutMs, Branch... branches) {
    return new Command.Begin(xid, timeoutMs, List.of(branches));
  }

  @Test
  void beginCreatesTryingTxnWhoseDeadlineIsClusterTimePlusTimeout() {
    CommandResult result = h.one(1_000, begin("x1", 100, branch("b1", "p1", 7)));

    assertEquals(Outcome.OK, result.outcome());
    TxnView txn = result.txn();
    assertEquals(TxnState.TRYING, txn.state());
    assertEquals(1_000, txn.beganAtMs());
    assertEquals(1_100, txn.deadlineMs());
    assertFalse(txn.expired());
    assertEquals(List.of(new BranchView("b1", "p1", 0, BranchState.NOT_DECIDED, 1)),
        txn.branches());
    assertEquals(txn, h.find("x1"));
    assertEquals(1, h.table.activeTxns(h.store));
  }

  @Test
  void beginWithIdenticalContentIsIdempotentAndAnswersTheCurrentState() {
    Command.Begin begin = begin("x1", 100, branch("b1", "p1", 7));
    h.one(1_000, begin);
    h.one(1_010, new Command.Decide("x1", Decision.CONFIRM));

    CommandResult retry = h.one(1_020, begin);

    assertEquals(Outcome.OK, retry.outcome());
    assertEquals(TxnState.CONFIRMING, retry.txn().state());
    assertEquals(1_000, retry.txn().beganAtMs(), "a retry must not restart the txn");
  }

  @Test
  void beginRetriedAfterALaterRegisterIsStillIdempotent() {
    Command.Begin begin = begin("x1", 100, branch("b1", "p1"));
    h.one(1_000, begin);
    h.one(1_000, new Command.RegisterBranch("x1", branch("b2", "p2")));

    CommandResult retry = h.one(1_000, begin);

    assertEquals(Outcome.OK, retry.outcome());
    assertEquals(2, retry.txn().branches().size());
  }

  @Test
  void beginWithTheSameXidAndOtherContentIsXidConflict() {
    h.one(1_000, begin("x1", 100, branch("b1", "p1", 7)));

    assertEquals(Outcome.XID_CONFLICT, h.one(1_000, begin("x1", 200, branch("b1", "p1", 7)))
        .outcome(), "other timeout");
    assertEquals(Outcome.XID_CONFLICT, h.one(1_000, begin("x1", 100, branch("b1", "p1", 8)))
        .outcome(), "other payload");
    assertEquals(Outcome.XID_CONFLICT, h.one(1_000, begin("x1", 100, branch("b1", "p2", 7)))
        .outcome(), "other participant");
    CommandResult fewer = h.one(1_000, begin("x1", 100));
    assertEquals(Outcome.XID_CONFLICT, fewer.outcome(), "fewer branches");
    assertEquals("x1", fewer.txn().xid(), "the conflict shows the txn the xid names");
  }

  @Test
  void invalidIdsAreInvalidArgument() {
    for (String xid : List.of("", "x".repeat(17), "has space", "caf\u00e9", "tab\t")) {
      assertEquals(Outcome.INVALID_ARGUMENT, h.one(0, begin(xid, 100)).outcome(), xid);
    }
    assertEquals(Outcome.INVALID_ARGUMENT,
        h.one(0, begin("x1", 100, branch("", "p1"))).outcome(), "empty branch id");
    assertEquals(Outcome.INVALID_ARGUMENT,
        h.one(0, begin("x1", 100, branch("b1", "participant-too-long"))).outcome());
    assertEquals(Outcome.INVALID_ARGUMENT,
        h.one(0, begin("x1", 100, branch("b1", "p1"), branch("b1", "p2"))).outcome(),
        "duplicate branch ids in one begin");
    assertNull(h.find("x1"), "a refused begin writes nothing");
    assertEquals(Outcome.INVALID_ARGUMENT,
        h.one(0, new Command.Decide("", Decision.CONFIRM)).outcome());
  }

  @Test
  void limitsRefuseBranchesPayloadsAndTimeouts() {
    assertEquals(Outcome.TOO_MANY_BRANCHES, h.one(0, begin("x1", 100, branch("a", "p"),
        branch("b", "p"), branch("c", "p"), branch("d", "p"))).outcome());
    assertEquals(Outcome.PAYLOAD_TOO_LARGE,
        h.one(0, begin("x1", 100, branch("a", "p", 1, 2, 3, 4, 5))).outcome());
    assertEquals(Outcome.TIMEOUT_OUT_OF_RANGE, h.one(0, begin("x1", 9)).outcome());
    assertEquals(Outcome.TIMEOUT_OUT_OF_RANGE, h.one(0, begin("x1", 1001)).outcome());
    assertEquals(Outcome.TIMEOUT_OUT_OF_RANGE, h.one(0, begin("x1", -5)).outcome());
    assertEquals(Outcome.OK, h.one(0, begin("x1", 10)).outcome(), "bounds are inclusive");
    assertEquals(Outcome.OK, h.one(0, begin("x2", 1000)).outcome(), "bounds are inclusive");
  }

  @Test
  void activeTxnsMaxBackPressuresBeginUntilATxnLeavesTrying() {
    h.one(0, begin("x1", 100));
    h.one(0, begin("x2", 100));

    CommandResult third = h.one(0, begin("x3", 100));
    assertEquals(Outcome.TOO_MANY_ACTIVE_TXNS, third.outcome());
    assertEquals(Outcome.OK, h.one(0, begin("x1", 100)).outcome(),
        "a retry of an existing txn is answered even at the limit");

    h.one(0, new Command.Decide("x1", Decision.CANCEL));
    assertEquals(1, h.table.activeTxns(h.store));
    assertEquals(Outcome.OK, h.one(0, begin("x3", 100)).outcome());
  }

  @Test
  void registerOnAnUnknownTxnIsTxnNotFound() {
    assertEquals(Outcome.TXN_NOT_FOUND,
        h.one(0, new Command.RegisterBranch("nope", branch("b1", "p1"))).outcome());
  }

  @Test
  void registerAddsABranchAndIsIdempotentByBranchId() {
    h.one(0, begin("x1", 100));
    Command.RegisterBranch register = new Command.RegisterBranch("x1", branch("b1", "p1", 1));

    assertEquals(Outcome.OK, h.one(0, register).outcome());
    CommandResult again = h.one(0, register);
    assertEquals(Outcome.OK, again.outcome());
    assertEquals(1, again.txn().branches().size(), "a repeated register adds nothing");

    CommandResult other = h.one(0, new Command.RegisterBranch("x1", branch("b1", "p1", 2)));
    assertEquals(Outcome.BRANCH_CONFLICT, other.outcome());
    assertEquals(1, other.txn().branches().size());
  }

  @Test
  void registerIsLegalOnlyWhileTryingButARepeatStaysIdempotent() {
    h.one(0, begin("x1", 100, branch("b1", "p1")));
    h.one(0, new Command.Decide("x1", Decision.CANCEL));

    CommandResult late = h.one(0, new Command.RegisterBranch("x1", branch("b2", "p1")));
    assertEquals(Outcome.NOT_TRYING, late.outcome());
    assertEquals(TxnState.CANCELLING, late.txn().state());
    assertEquals(Outcome.OK,
        h.one(0, new Command.RegisterBranch("x1", branch("b1", "p1"))).outcome(),
        "the same branch again answers like the first time");
  }

  @Test
  void registerBeyondBranchesPerTxnMaxIsTooManyBranches() {
    h.one(0, begin("x1", 100, branch("a", "p"), branch("b", "p"), branch("c", "p")));
    assertEquals(Outcome.TOO_MANY_BRANCHES,
        h.one(0, new Command.RegisterBranch("x1", branch("d", "p"))).outcome());
  }

  @Test
  void registerChecksIdsAndPayloadFirst() {
    h.one(0, begin("x1", 100));
    assertEquals(Outcome.INVALID_ARGUMENT,
        h.one(0, new Command.RegisterBranch("x1", branch("b 1", "p1"))).outcome());
    assertEquals(Outcome.PAYLOAD_TOO_LARGE,
        h.one(0, new Command.RegisterBranch("x1", branch("b1", "p1", 1, 2, 3, 4, 5))).outcome());
  }
}
