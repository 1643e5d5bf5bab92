package dev.sequent.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The H2 bank survives kill -9 with its money and its journal in agreement. A child process runs
 * {@link SqlBankUnderLoad} (tries that freeze or fail, phase two in seq order) and is killed at a
 * random moment, {@link #KILLS} times; after each kill the database is opened here (H2 recovers
 * it) and every account must hold its opening balance plus the confirms its journal records, and
 * the fence's watermark must be the journal's last seq.
 *
 * <p>This guards the fix for the money the chaos suite lost at bank-b (see {@link
 * SqlAccountService#CONNECTIONS_MAX}): with the bank's transactions concurrent (a pool of 16), a
 * longer probe of this kind (4 try threads, kills after 2-7 s of load) broke the agreement at
 * its 14th kill (at its 5th on H2 2.3.232), and a plain-JDBC probe at its 9th; with one
 * connection 40 kills kept it. The eight short runs here are a regression guard, not a proof: an H2 bug this rare needs
 * more kills ({@code -DsqlBankCrash.kills=40}) to show itself reliably.
 */
class SqlBankCrashTest {
  static final int KILLS = Integer.getInteger("sqlBankCrash.kills", 8);
  static final long SEED = Long.getLong("sqlBankCrash.seed", 20261123L);
  static final long LOADING_WAIT_MS = 30_000;
  static final long KILL_AFTER_MS_MIN = 1_000;
  static final long KILL_AFTER_MS_MAX = 4_000;

  @TempDir Path dir;

  @Test
  void moneyAndJournalAgreeAfterEveryKill() throws Exception {
    Random random = new Random(SEED);
    Path data = dir.resolve("bank");
    long journalled = 0;
    for (int kill = 1; kill <= KILLS; kill++) {
      Path output = dir.resolve("child-" + kill + ".log");
      Process child = start(data, SEED + kill, output);
      try {
        awaitLoading(child, output);
        Thread.sleep(KILL_AFTER_MS_MIN
            + (long) (random.nextDouble() * (KILL_AFTER_MS_MAX - KILL_AFTER_MS_MIN)));
      } finally {
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no H2 close
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child did not exit");
      }
      long size = checkAgreement(data, kill);
      assertTrue(size >= journalled, "the journal shrank after kill " + kill);
      journalled = size;
    }
    assertTrue(journalled > 0, "no phase-2 call was applied in " + KILLS + " runs");
  }

  private static Process start(Path data, long seed, Path output) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), SqlBankUnderLoad.class.getName(),
        data.toString(), Long.toString(seed)));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
  }

  private static void awaitLoading(Process child, Path output) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOADING_WAIT_MS);
    while (System.nanoTime() < deadline) {
      if (Files.readString(output, StandardCharsets.UTF_8).lines()
          .anyMatch(SqlBankUnderLoad.LOADING::equals)) {
        return;
      }
      if (!child.isAlive()) {
        throw new AssertionError("the bank process died before loading: " + tail(output));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the bank process applied nothing within " + LOADING_WAIT_MS
        + " ms: " + tail(output));
  }

  /** Opens the database (H2 recovers it), checks money against journal; answers its size. */
  private static long checkAgreement(Path data, int kill) throws Exception {
    try (AccountService bank =
        SqlAccountService.start("bank", data, List.of(), Phase2Listener.NONE)) {
      List<AppliedCall> journal = bank.appliedCalls();
      Map<String, Long> expected = new TreeMap<>();
      SqlBankUnderLoad.ACCOUNTS.forEach(a -> expected.put(a, SqlBankUnderLoad.OPENING_BALANCE));
      for (AppliedCall call : journal) {
        if (call.step() == AppliedCall.Step.CONFIRM) {
          Leg leg = call.leg();
          expected.merge(leg.account(),
              leg.direction() == Leg.Direction.DEBIT ? -leg.amount() : leg.amount(), Long::sum);
        }
      }
      Map<String, Long> held = new TreeMap<>();
      bank.accounts().forEach(a -> held.put(a.id(), a.balance()));
      assertEquals(expected, held, "after kill " + kill + ": balances against the "
          + journal.size() + " journalled calls");
      long lastSeq = journal.isEmpty() ? 0 : journal.get(journal.size() - 1).seq();
      assertEquals(lastSeq, bank.fence().watermark("bank").appliedSeq(),
          "after kill " + kill + ": the watermark is not the journal's last seq");
      return journal.size();
    }
  }

  private static String tail(Path output) throws Exception {
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    return String.join("\n",
        lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
