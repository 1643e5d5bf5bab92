package dev.sequent.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RocksDB bank's own idempotency, for the crash its fence cannot cover: the money's batch
 * written, the fence's batch lost. The steps are run on the resource directly, as the fence would
 * run them again after such a crash.
 */
class RocksAccountRecoveryTest {
  @TempDir Path dir;

  @Test
  void stepsRunAgainAfterALostFenceRowMoveNoMoneyTwice() throws Exception {
    try (RocksAccountService bank = RocksAccountService.start("bank", dir, List.of(),
        Phase2Listener.NONE)) {
      bank.openAccount("a-1", 100);
      RocksAccountsResource resource = new RocksAccountsResource(bank.bank(), Phase2Listener.NONE);
      Leg debit = Leg.debit("a-1", 40);
      resource.tryLeg("x1", "debit", debit);
      resource.tryLeg("x1", "debit", debit);
      assertEquals(new Account("a-1", 100, 40), bank.accounts().get(0), "frozen once");

      AppliedCall confirm = new AppliedCall(1, "x1", "debit", AppliedCall.Step.CONFIRM, debit);
      assertTrue(resource.phaseTwo(confirm).isPresent());
      assertTrue(resource.phaseTwo(confirm).isEmpty(), "the second run finds its effect");
      assertEquals(new Account("a-1", 60, 0), bank.accounts().get(0), "taken once");
      assertEquals(1, bank.appliedCalls().size());
    }
  }

  @Test
  void aTryWhoseFenceRowWasLostIsUndoneAtRestart() throws Exception {
    try (RocksAccountService bank = RocksAccountService.start("bank", dir, List.of(),
        Phase2Listener.NONE)) {
      bank.openAccount("a-1", 100);
      // The money's batch of a try, with no fence row after it: what a crash in between leaves.
      new RocksAccountsResource(bank.bank(), Phase2Listener.NONE)
          .tryLeg("x1", "debit", Leg.debit("a-1", 70));
      assertEquals(new Account("a-1", 100, 70), bank.accounts().get(0));
    }
    try (RocksAccountService restarted = RocksAccountService.start("bank", dir, List.of(),
        Phase2Listener.NONE)) {
      assertEquals(1, restarted.undoneAtStart());
      assertEquals(new Account("a-1", 100, 0), restarted.accounts().get(0),
          "its cancel will be an empty cancel, so the start undid the freeze");
    }
  }
}
