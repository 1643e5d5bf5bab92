package dev.sequent.examples.bank;

import dev.sequent.protocol.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link SqlBankCrashTest} kills: the H2 bank of the examples under load until it
 * dies. Tries from {@link #TRY_THREADS} threads (debits freeze, and many find too little money, so
 * their transactions roll back after locking the account), and phase two in seq order from the
 * bank's own watermark on, a quarter of the tried branches cancelled. Prints {@link #LOADING}
 * once the first phase-2 call was applied.
 */
final class SqlBankUnderLoad {
  static final String LOADING = "loading";
  static final int TRY_THREADS = 4;
  static final List<String> ACCOUNTS = List.of("b1", "b2", "b3", "b4");
  static final long OPENING_BALANCE = 1_000;
  static final long AMOUNT_MAX = 300;

  private record Tried(String xid, Leg leg, boolean confirm) {
    String branchId() {
      return leg.direction() == Leg.Direction.DEBIT ? "debit" : "credit";
    }
  }

  private SqlBankUnderLoad() {}

  /** Args: the data directory, a seed. Runs until killed. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    AccountService bank = SqlAccountService.start("bank", dir, List.of(), Phase2Listener.NONE);
    if (bank.accounts().isEmpty()) {
      for (String account : ACCOUNTS) {
        bank.openAccount(account, OPENING_BALANCE);
      }
    }
    BlockingQueue<Tried> tried = new ArrayBlockingQueue<>(1_000);
    for (int t = 0; t < TRY_THREADS; t++) {
      Random random = new Random(seed * 31 + t);
      String prefix = "s" + seed + "-t" + t + "-";
      FakeLeader initiator = new FakeLeader("bank", bank.endpoint());
      Thread thread = new Thread(() -> tryForever(initiator, random, prefix, tried), "load-try-" + t);
      thread.setDaemon(true);
      thread.start();
    }
    long seq = bank.fence().watermark("bank").appliedSeq();
    boolean announced = false;
    try (FakeLeader leader = new FakeLeader("bank", bank.endpoint())) {
      while (true) {
        Tried next = tried.poll(FakeLeader.WAIT_MS, TimeUnit.MILLISECONDS);
        if (next == null) {
          throw new IllegalStateException("no try finished within " + FakeLeader.WAIT_MS + " ms");
        }
        AccountResourceFenceTest.assertOk(next.confirm()
            ? leader.confirm(++seq, next.xid(), next.branchId(), next.leg())
            : leader.cancel(++seq, next.xid(), next.branchId(), next.leg()));
        if (!announced) {
          System.out.println(LOADING); // the parent's signal: phase two runs
          System.out.flush();
          announced = true;
        }
      }
    }
  }

  private static void tryForever(FakeLeader initiator, Random random, String prefix,
      BlockingQueue<Tried> tried) {
    try {
      for (long i = 0; ; i++) {
        String account = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
        long amount = 1 + random.nextInt((int) AMOUNT_MAX);
        boolean debit = random.nextBoolean();
        Leg leg = debit ? Leg.debit(account, amount) : Leg.credit(account, amount);
        Outcome outcome = initiator.tryLeg(prefix + i, debit ? "debit" : "credit", leg);
        tried.put(new Tried(prefix + i, leg, outcome == Outcome.OK && random.nextInt(4) != 0));
      }
    } catch (Exception e) {
      // The process is being killed, or the bank failed: the parent's checks tell which.
      e.printStackTrace();
    }
  }
}
