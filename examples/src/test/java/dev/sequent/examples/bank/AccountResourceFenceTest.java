package dev.sequent.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.participant.FenceState;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both account services behind their real fences and endpoints (H2 files, RocksDB directories),
 * driven over the wire by a stand-in leader that sends exactly the calls a leader sends after
 * failures: cancels of failed tries, duplicates, cancels before tries. Each test proves the money
 * ends where the business says, whatever the fence had to absorb.
 */
class AccountResourceFenceTest {
  static final String ACCOUNT = "a-1";
  @TempDir Path dir;

  /** Starts a service of one kind with no cluster (nothing to announce to). */
  interface Starter {
    AccountService start(String participant, Path dir) throws Exception;
  }

  static Stream<Arguments> services() {
    Starter sql = (participant, dir) ->
        SqlAccountService.start(participant, dir, List.of(), Phase2Listener.NONE);
    Starter rocks = (participant, dir) ->
        RocksAccountService.start(participant, dir, List.of(), Phase2Listener.NONE);
    return Stream.of(Arguments.of("H2 + JDBC fence", sql),
        Arguments.of("RocksDB + RocksDB fence", rocks));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void aCancelAfterAFailedTryReleasesNothing(String kind, Starter starter) throws Exception {
    try (AccountService bank = starter.start("bank", dir);
        FakeLeader leader = new FakeLeader("bank", bank.endpoint())) {
      bank.openAccount(ACCOUNT, 100);
      Leg first = Leg.debit(ACCOUNT, 60);
      Leg second = Leg.debit(ACCOUNT, 80);
      assertEquals(Outcome.OK, leader.tryLeg("x1", "debit", first));
      assertEquals(Outcome.TRY_FAILED, leader.tryLeg("x2", "debit", second),
          "80 asked, 40 available");
      assertEquals(new Account(ACCOUNT, 100, 60), only(bank), "the failed try froze nothing");

      assertOk(leader.cancel(1, "x2", "debit", second));
      assertEquals(new Account(ACCOUNT, 100, 60), only(bank),
          "the failed try's cancel must not release the other transfer's frozen 60");
      assertEquals(FenceState.CANCELLED,
          bank.fence().branch("bank", "x2", "debit").orElseThrow().state());

      assertOk(leader.confirm(2, "x1", "debit", first));
      assertEquals(new Account(ACCOUNT, 40, 0), only(bank));
      assertEquals(List.of(1L, 2L), seqs(bank));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void aSnapshotShowsTheAccountsWithTheLastSeqTheyReflect(String kind, Starter starter)
      throws Exception {
    try (AccountService bank = starter.start("bank", dir);
        FakeLeader leader = new FakeLeader("bank", bank.endpoint())) {
      bank.openAccount(ACCOUNT, 100);
      bank.openAccount("a-2", 7);
      assertEquals(new BankSnapshot(List.of(new Account(ACCOUNT, 100, 0),
          new Account("a-2", 7, 0)), 0), bank.snapshot(), "nothing applied yet");
      Leg debit = Leg.debit(ACCOUNT, 30);
      assertEquals(Outcome.OK, leader.tryLeg("x1", "debit", debit));
      assertEquals(new BankSnapshot(List.of(new Account(ACCOUNT, 100, 30),
          new Account("a-2", 7, 0)), 0), bank.snapshot(), "a try is not a phase-2 call");
      assertOk(leader.confirm(1, "x1", "debit", debit));
      assertEquals(new BankSnapshot(List.of(new Account(ACCOUNT, 70, 0),
          new Account("a-2", 7, 0)), 1), bank.snapshot());
      Leg credit = Leg.credit("a-2", 3);
      assertEquals(Outcome.OK, leader.tryLeg("x2", "credit", credit));
      assertOk(leader.cancel(2, "x2", "credit", credit));
      assertEquals(new BankSnapshot(List.of(new Account(ACCOUNT, 70, 0),
          new Account("a-2", 7, 0)), 2), bank.snapshot(), "a cancel moves no money, seq 2");
      assertEquals(bank.accounts(), bank.snapshot().accounts());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void aDuplicateConfirmMovesTheMoneyOnce(String kind, Starter starter) throws Exception {
    try (AccountService bank = starter.start("bank", dir);
        FakeLeader leader = new FakeLeader("bank", bank.endpoint())) {
      bank.openAccount(ACCOUNT, 100);
      Leg debit = Leg.debit(ACCOUNT, 30);
      Leg credit = Leg.credit(ACCOUNT, 5);
      assertEquals(Outcome.OK, leader.tryLeg("x1", "debit", debit));
      assertEquals(Outcome.OK, leader.tryLeg("x2", "credit", credit));
      assertOk(leader.confirm(1, "x1", "debit", debit));
      assertOk(leader.confirm(1, "x1", "debit", debit)); // the ack was lost; the leader resends
      assertOk(leader.confirm(2, "x2", "credit", credit));
      assertOk(leader.confirm(2, "x2", "credit", credit));
      assertOk(leader.confirm(1, "x1", "debit", debit)); // a stale resend, long after
      assertEquals(new Account(ACCOUNT, 75, 0), only(bank), "100 - 30 + 5, each once");
      assertEquals(List.of(1L, 2L), seqs(bank), "each confirm journaled once");
      assertEquals(2, bank.fence().watermark("bank").appliedSeq());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void aCancelBeforeItsTryRefusesTheLateTry(String kind, Starter starter) throws Exception {
    try (AccountService bank = starter.start("bank", dir);
        FakeLeader leader = new FakeLeader("bank", bank.endpoint())) {
      bank.openAccount(ACCOUNT, 100);
      Leg debit = Leg.debit(ACCOUNT, 50);
      assertOk(leader.cancel(1, "x1", "debit", debit)); // the try is still on its way
      assertEquals(Outcome.TRY_AFTER_CANCEL, leader.tryLeg("x1", "debit", debit));
      assertEquals(new Account(ACCOUNT, 100, 0), only(bank), "nothing frozen, nothing leaked");
      assertEquals(FenceState.CANCELLED_EMPTY,
          bank.fence().branch("bank", "x1", "debit").orElseThrow().state());
      assertTrue(bank.appliedCalls().isEmpty(), "an empty cancel never reaches the resource");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void aCallAheadOfItsTurnWaits(String kind, Starter starter) throws Exception {
    try (AccountService bank = starter.start("bank", dir);
        FakeLeader leader = new FakeLeader("bank", bank.endpoint())) {
      bank.openAccount(ACCOUNT, 100);
      Leg a = Leg.debit(ACCOUNT, 10);
      Leg b = Leg.debit(ACCOUNT, 20);
      assertEquals(Outcome.OK, leader.tryLeg("x1", "debit", a));
      assertEquals(Outcome.OK, leader.tryLeg("x2", "debit", b));
      assertEquals(Outcome.SEQ_GAP,
          Outcome.fromCode(leader.confirm(2, "x2", "debit", b).getOutcome()));
      assertEquals(new Account(ACCOUNT, 100, 30), only(bank), "seq 2 must not run before 1");
      assertOk(leader.confirm(1, "x1", "debit", a));
      assertOk(leader.confirm(2, "x2", "debit", b));
      assertEquals(new Account(ACCOUNT, 70, 0), only(bank));
      assertEquals(List.of(1L, 2L), seqs(bank));
    }
  }

  private static Account only(AccountService bank) {
    List<Account> accounts = bank.accounts();
    assertEquals(1, accounts.size(), accounts.toString());
    return accounts.get(0);
  }

  private static List<Long> seqs(AccountService bank) {
    return bank.appliedCalls().stream().map(AppliedCall::seq).toList();
  }

  static void assertOk(Phase2Ack ack) {
    assertEquals(Outcome.OK, Outcome.fromCode(ack.getOutcome()), ack.getMessage());
  }
}
