package dev.sequent.coordinator.phase2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TccClient;
import dev.sequent.client.TransactionResult;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.protocol.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-participant transfers through the three-node cluster, end to end: confirm, cancel, a failed
 * try, and an initiator that never decides. Every branch ends confirmed or cancelled, never mixed
 * within a txn, and each participant's ledger shows the step exactly once.
 */
class Phase2PathsTest {
  @TempDir static Path dir;
  static Phase2Cluster env;

  @BeforeAll
  static void start() throws Exception {
    env = new Phase2Cluster(dir, Map.of("dispatch.attemptsMax", "3"), "accounts-a",
        "accounts-b");
  }

  @AfterAll
  static void stop() throws Exception {
    env.close();
    assertTrue(env.cluster.fatalErrors().isEmpty(), "fatal errors " + env.cluster.fatalErrors());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The steps the participant applied for this txn, by branch. */
  static Map<String, String> steps(String participant, String xid) throws Exception {
    return env.ledgers.get(participant).phaseTwo().stream()
        .filter(row -> row.xid().equals(xid))
        .collect(Collectors.toMap(Ledger.Applied::branchId, Ledger.Applied::step));
  }

  static void assertAllBranches(TxnSnapshot txn, Phase2State expected) {
    for (BranchSnapshot branch : txn.branches()) {
      assertEquals(expected, branch.phase2State(), branch.toString());
    }
  }

  @Test
  void confirmPathDeliversBothConfirms() throws Exception {
    TransactionResult result = env.client.transaction(60_000)
        .branch("debit", "accounts-a", bytes("-100"))
        .branch("credit", "accounts-b", bytes("+100"))
        .execute().get(60, TimeUnit.SECONDS);
    assertTrue(result.confirmed(), result.toString());
    TxnSnapshot txn = env.awaitFinal(result.xid(), 30_000);
    assertEquals(TxnState.CONFIRMED, txn.state());
    assertAllBranches(txn, Phase2State.ACKED);
    assertEquals(Map.of("debit", "CONFIRM"), steps("accounts-a", result.xid()));
    assertEquals(Map.of("credit", "CONFIRM"), steps("accounts-b", result.xid()));
  }

  @Test
  void cancelPathDeliversBothCancels() throws Exception {
    String xid = TccClient.newXid();
    env.client.blocking().begin(xid, 60_000, List.of(
        new Branch("debit", "accounts-a", bytes("-5")),
        new Branch("credit", "accounts-b", bytes("+5"))));
    env.client.blocking().cancel(xid);
    TxnSnapshot txn = env.awaitFinal(xid, 30_000);
    assertEquals(TxnState.CANCELLED, txn.state());
    // Neither try ran, so both cancels are empty cancels: recorded by the fence, no ledger row.
    assertTrue(steps("accounts-a", xid).isEmpty());
    assertTrue(steps("accounts-b", xid).isEmpty());
  }

  @Test
  void aFailedTryCancelsTheWholeTxnAndItsCancelStillRuns() throws Exception {
    TransactionResult result = env.client.transaction(60_000)
        .branch("debit", "accounts-a", bytes("fail"))
        .branch("credit", "accounts-b", bytes("+7"))
        .execute().get(60, TimeUnit.SECONDS);
    assertFalse(result.confirmed(), "a failed try makes the initiator cancel");
    assertEquals(Outcome.TRY_FAILED, result.tries().get("debit").outcome());
    TxnSnapshot txn = env.awaitFinal(result.xid(), 30_000);
    assertEquals(TxnState.CANCELLED, txn.state());
    assertAllBranches(txn, Phase2State.ACKED);
    assertEquals(Map.of("debit", "CANCEL"), steps("accounts-a", result.xid()),
        "the failed try's cancel runs (the fence kept its record)");
    assertTrue(env.ledgers.get("accounts-a").phaseTwo().stream()
        .filter(r -> r.xid().equals(result.xid())).allMatch(Ledger.Applied::tryFailed));
    assertEquals(Map.of("credit", "CANCEL"), steps("accounts-b", result.xid()));
  }

  @Test
  void aCallThatKeepsFailingNeedsAnOperatorWhoResolvesIt() throws Exception {
    TransactionResult poisoned = env.client.transaction(60_000)
        .branch("credit", "accounts-b", bytes("poison"))
        .execute().get(60, TimeUnit.SECONDS);
    assertTrue(poisoned.confirmed());
    TransactionResult behind = env.client.transaction(60_000)
        .branch("credit", "accounts-b", bytes("+1"))
        .execute().get(60, TimeUnit.SECONDS);

    BranchSnapshot stuck = null;
    for (int i = 0; i < 200; i++) { // bounded: 20 s
      stuck = env.client.blocking().status(poisoned.xid()).txn().branches().get(0);
      if (stuck.phase2State() == Phase2State.NEEDS_OPERATOR) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertEquals(Phase2State.NEEDS_OPERATOR, stuck.phase2State(), "after the attempt limit");
    assertEquals(TxnState.CONFIRMING, env.client.blocking().status(behind.xid()).txn().state(),
        "strict order: the call behind it waits");

    env.client.blocking().resolve("accounts-b", stuck.seq());
    assertEquals(TxnState.CONFIRMED, env.awaitFinal(poisoned.xid(), 30_000).state());
    assertEquals(TxnState.CONFIRMED, env.awaitFinal(behind.xid(), 30_000).state(),
        "after the resolve the stream goes on in order");
    assertTrue(steps("accounts-b", poisoned.xid()).isEmpty(), "resolved by hand, not applied");
    assertEquals(Map.of("credit", "CONFIRM"), steps("accounts-b", behind.xid()));
  }

  @Test
  void anInitiatorThatNeverDecidesIsCancelledAtItsDeadline() throws Exception {
    String xid = TccClient.newXid();
    Branch debit = new Branch("debit", "accounts-a", bytes("-9"));
    Branch credit = new Branch("credit", "accounts-b", bytes("+9"));
    env.client.blocking().begin(xid, 500, List.of(debit, credit));
    assertTrue(env.client.tryBranch(env.endpoints.get("accounts-a").address(), xid, debit)
        .get(30, TimeUnit.SECONDS).isOk());
    assertTrue(env.client.tryBranch(env.endpoints.get("accounts-b").address(), xid, credit)
        .get(30, TimeUnit.SECONDS).isOk());
    // ... and the initiator vanishes.
    TxnSnapshot txn = env.awaitFinal(xid, 30_000);
    assertEquals(TxnState.CANCELLED, txn.state());
    assertTrue(txn.expired());
    assertEquals(Map.of("debit", "CANCEL"), steps("accounts-a", xid));
    assertEquals(Map.of("credit", "CANCEL"), steps("accounts-b", xid));
  }
}
