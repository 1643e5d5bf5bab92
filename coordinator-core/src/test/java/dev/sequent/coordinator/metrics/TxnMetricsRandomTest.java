package dev.sequent.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TxnState;
import dev.sequent.coordinator.table.TxnView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Proves the txn metrics exact on random histories full of retries, same-millisecond entries,
 * expiries, acks and operator steps: after every entry the counters and timers must equal what a
 * brute-force oracle derives by comparing every txn before and after the entry.
 *
 * <p>Seeded: a failure prints the seed; {@code -Dseed=N} replays the same run.
 */
class TxnMetricsRandomTest {

  private static final int SEQUENCES = 300;
  private static final int ENTRIES_PER_SEQUENCE = 60;
  private static final TableLimits LIMITS = new TableLimits(8, 4, 3, 4, 6, 10, 1_000, 4, 4, 50);
  private static final List<String> XIDS = List.of("x0", "x1", "x2", "x3", "x4", "x5");
  private static final List<String> PARTICIPANTS = List.of("p0", "p1");

  /** What the oracle expects the metrics to show. */
  private static final class Expected {
    long begun;
    long confirmed;
    long cancelled;
    long expired;
    final Map<Decision, Long> decisions = new HashMap<>();
    final Map<Decision, Long> decisionMs = new HashMap<>();
    final Map<Decision, Long> phase2 = new HashMap<>();
    final Map<Decision, Long> phase2Ms = new HashMap<>();
  }

  @Test
  void metricsMatchADiffOfEveryTxnBeforeAndAfterEachEntry() {
    String given = System.getProperty("seed");
    long seed = given == null || given.isBlank() ? new Random().nextLong() : Long.parseLong(given);
    Random seeds = new Random(seed);
    for (int i = 0; i < SEQUENCES; i++) {
      try {
        runSequence(new Random(seeds.nextLong()));
      } catch (AssertionError | RuntimeException e) {
        fail("failed with -Dseed=" + seed + " (sequence " + i + "): " + e, e);
      }
    }
  }

  private void runSequence(Random random) {
    Expected expected = new Expected();
    Map<String, Command.Begin> begins = new HashMap<>();
    try (EntryHarness h = new EntryHarness(LIMITS)) {
      long timeMs = 1_000;
      for (int e = 0; e < ENTRIES_PER_SEQUENCE; e++) {
        // Often the same millisecond, sometimes a leader clock behind cluster time.
        timeMs += random.nextInt(10) < 4 ? 0 : random.nextInt(120) - 20;
        List<Command> commands = new ArrayList<>();
        int size = 1 + random.nextInt(4);
        for (int c = 0; c < size; c++) {
          commands.add(command(random, h, begins));
        }
        Map<String, TxnView> before = snapshot(h);
        h.apply(timeMs, commands);
        diff(before, snapshot(h), h.table.clusterTimeMs(h.store), expected);
        check(h, expected, "entry " + e + " " + commands);
      }
    }
  }

  private static Map<String, TxnView> snapshot(EntryHarness h) {
    Map<String, TxnView> txns = new HashMap<>();
    for (String xid : XIDS) {
      TxnView txn = h.table.find(h.store, xid);
      if (txn != null) {
        txns.put(xid, txn);
      }
    }
    return txns;
  }

  /** The oracle: every txn whose state moved in the entry, by what it moved to. */
  private static void diff(Map<String, TxnView> before, Map<String, TxnView> after, long nowMs,
      Expected expected) {
    for (TxnView now : after.values()) {
      TxnView was = before.get(now.xid());
      expected.begun += was == null ? 1 : 0;
      boolean wasUndecided = was == null || was.state() == TxnState.TRYING;
      if (wasUndecided && now.decision() != null) {
        if (now.expired()) {
          expected.expired++;
        } else {
          Decision d = now.decision();
          expected.confirmed += d == Decision.CONFIRM ? 1 : 0;
          expected.cancelled += d == Decision.CANCEL ? 1 : 0;
          expected.decisions.merge(d, 1L, Long::sum);
          expected.decisionMs.merge(d, now.decidedAtMs() - now.beganAtMs(), Long::sum);
        }
      }
      boolean finished = now.state().isFinal() && (was == null || !was.state().isFinal());
      if (finished && !now.branches().isEmpty()) {
        expected.phase2.merge(now.decision(), 1L, Long::sum);
        expected.phase2Ms.merge(now.decision(), nowMs - now.decidedAtMs(), Long::sum);
      }
    }
  }

  private static void check(EntryHarness h, Expected expected, String where) {
    assertEquals(0, h.count(TxnMetrics.ERRORS), "metrics failed at " + where);
    assertEquals(expected.begun, h.count(TxnMetrics.BEGUN), "begun after " + where);
    assertEquals(expected.confirmed, h.count(TxnMetrics.CONFIRMED), "confirmed after " + where);
    assertEquals(expected.cancelled, h.count(TxnMetrics.CANCELLED), "cancelled after " + where);
    assertEquals(expected.expired, h.count(TxnMetrics.EXPIRED), "expired after " + where);
    for (Decision d : Decision.values()) {
      String tag = TxnMetrics.tag(d);
      assertEquals(expected.decisions.getOrDefault(d, 0L),
          h.timerCount(TxnMetrics.DECISION_LATENCY, tag), "decisions " + tag + " " + where);
      assertEquals(expected.decisionMs.getOrDefault(d, 0L),
          h.timerTotalMs(TxnMetrics.DECISION_LATENCY, tag), "decision ms " + tag + " " + where);
      assertEquals(expected.phase2.getOrDefault(d, 0L),
          h.timerCount(TxnMetrics.PHASE2_LATENCY, tag), "phase two " + tag + " " + where);
      assertEquals(expected.phase2Ms.getOrDefault(d, 0L),
          h.timerTotalMs(TxnMetrics.PHASE2_LATENCY, tag), "phase-2 ms " + tag + " " + where);
    }
  }

  private static Command command(Random random, EntryHarness h,
      Map<String, Command.Begin> begins) {
    String xid = XIDS.get(random.nextInt(XIDS.size()));
    String participant = PARTICIPANTS.get(random.nextInt(PARTICIPANTS.size()));
    long lastSeq = h.table.lastSeq(h.store, participant);
    long watermark = h.table.watermark(h.store, participant);
    long seq = watermark + 1 + (lastSeq > watermark ? random.nextInt((int) (lastSeq - watermark))
        : 0);
    switch (random.nextInt(9)) {
      case 0, 1:
        // A retry of the same begin whenever the xid was begun before: retries are the point.
        return begins.computeIfAbsent(xid, x -> newBegin(random, x));
      case 2:
        return new Command.RegisterBranch(xid, branch(random));
      case 3, 4:
        return new Command.Decide(xid, random.nextBoolean() ? Decision.CONFIRM : Decision.CANCEL);
      case 5, 6:
        return acks(random, h);
      case 7:
        return new Command.ExpireDue(1 + random.nextInt(4));
      default:
        return random.nextBoolean() ? new Command.MarkNeedsOperator(participant, seq)
            : new Command.OperatorResolve(participant, seq);
    }
  }

  /**
   * Acks as participants send them: up to a seq assigned before the entry (a participant acks
   * only calls it received), sometimes a duplicate, sometimes far beyond anything assigned (a
   * fence of another history, which the table ignores).
   */
  private static Command acks(Random random, EntryHarness h) {
    List<Ack> acks = new ArrayList<>();
    for (int i = random.nextInt(3); i >= 0; i--) {
      String p = PARTICIPANTS.get(random.nextInt(PARTICIPANTS.size()));
      long watermark = h.table.watermark(h.store, p);
      long lastSeq = h.table.lastSeq(h.store, p);
      long seq = random.nextInt(8) == 0 ? lastSeq + 100
          : watermark + random.nextInt((int) (lastSeq - watermark) + 1);
      acks.add(new Ack(p, seq));
    }
    return new Command.RecordAcks(acks);
  }

  private static Command.Begin newBegin(Random random, String xid) {
    List<Branch> branches = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      branches.add(new Branch("b" + i, PARTICIPANTS.get(random.nextInt(PARTICIPANTS.size())),
          new byte[] {(byte) i}));
    }
    return new Command.Begin(xid, random.nextBoolean() ? 30 : 800, branches);
  }

  private static Branch branch(Random random) {
    return new Branch("r" + random.nextInt(3), PARTICIPANTS.get(random.nextInt(2)), new byte[0]);
  }
}
