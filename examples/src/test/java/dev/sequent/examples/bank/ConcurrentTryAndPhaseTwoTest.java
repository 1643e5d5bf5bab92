package dev.sequent.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.protocol.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tries and phase-2 calls on the same account at the same time, as a participant sees them
 * under load: debits' tries freeze money on one connection while deposits are confirmed on the
 * phase-2 thread. Whatever the interleaving, no deposit may be lost. (The deposits the chaos suite
 * saw lost at bank-b were lost by H2's recovery after a kill -9, not by an interleaving: see
 * {@link SqlBankCrashTest}.)
 */
class ConcurrentTryAndPhaseTwoTest {
  static final String ACCOUNT = "b4";
  static final int ROUNDS = Integer.getInteger("rounds", 400);
  @TempDir Path dir;

  static Stream<Arguments> services() {
    return AccountResourceFenceTest.services();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void depositsSurviveConcurrentFreezes(String kind, AccountResourceFenceTest.Starter starter)
      throws Exception {
    try (AccountService bank = starter.start("bank", dir);
        FakeLeader initiator = new FakeLeader("bank", bank.endpoint());
        FakeLeader leader = new FakeLeader("bank", bank.endpoint())) {
      bank.openAccount(ACCOUNT, 1);
      BlockingQueue<String> tried = new LinkedBlockingQueue<>();
      AtomicLong frozenOk = new AtomicLong();
      Thread tries = new Thread(() -> {
        try {
          for (int i = 0; i < ROUNDS; i++) {
            String xid = "d" + i;
            if (initiator.tryLeg(xid, "debit", Leg.debit(ACCOUNT, 1)) == Outcome.OK) {
              frozenOk.incrementAndGet();
            }
            tried.put(xid);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "test-tries");
      tries.start();
      // The chaos harness reads snapshots all along; do so too.
      java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread reader = new Thread(() -> {
        while (reading.get()) {
          bank.snapshot();
        }
      }, "test-reader");
      reader.start();
      long seq = 0;
      int cancelled = 0;
      for (int i = 0; i < ROUNDS; i++) {
        String xid = "c" + i;
        Leg credit = Leg.credit(ACCOUNT, 11);
        assertEquals(Outcome.OK, leader.tryLeg(xid, "credit", credit));
        AccountResourceFenceTest.assertOk(leader.confirm(++seq, xid, "credit", credit));
        String debit;
        while ((debit = tried.poll()) != null) {
          AccountResourceFenceTest.assertOk(leader.cancel(++seq, debit, "debit",
              Leg.debit(ACCOUNT, 1)));
          cancelled++;
        }
      }
      tries.join(TimeUnit.MINUTES.toMillis(2));
      String debit;
      while ((debit = tried.poll(1, TimeUnit.SECONDS)) != null || cancelled < ROUNDS) {
        if (debit != null) {
          AccountResourceFenceTest.assertOk(leader.cancel(++seq, debit, "debit",
              Leg.debit(ACCOUNT, 1)));
          cancelled++;
        }
      }
      reading.set(false);
      reader.join(10_000);
      Account account = bank.accounts().get(0);
      assertEquals(new Account(ACCOUNT, 1 + 11L * ROUNDS, 0), account,
          frozenOk.get() + " debits froze money; every deposit must be there");
    }
  }
}
