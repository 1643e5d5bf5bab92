package dev.sequent.coordinator.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Proves that the table behaves like {@link ReferenceModel} on thousands of random command
 * sequences (outcome and txn of every result; every txn, endpoint and the backlog after every
 * entry), that the invariants of DESIGN.md hold after every entry, and that replaying a sequence
 * on a fresh store writes the same bytes. Random xids come from a small pool so that idempotent retries and conflicts are common;
 * leader time advances and sometimes goes backwards.
 *
 * <p>Seeded: a failure prints the seed; {@code -Dseed=N} replays the same run.
 */
class TransactionTableModelTest {

  private static final int SEQUENCES = 2000;
  private static final int ENTRIES_PER_SEQUENCE = 40;

  // Small limits so that every refusal happens often.
  private static final TableLimits LIMITS = new TableLimits(6, 4, 3, 2, 4, 10, 100, 3, 3, 50);
  private static final List<String> XIDS = List.of("x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7");
  private static final List<String> PARTICIPANTS = List.of("p0", "p1", "p2");
  private static final List<String> BRANCH_IDS = List.of("b0", "b1", "b2", "b3");
  private static final List<String> HOSTS = List.of("127.0.0.1", "h1", "::1");
  private static final List<String> BAD_IDS = List.of("", "x y", "toolong9", "\u00e9");
  private static final List<byte[]> PAYLOADS =
      List.of(new byte[0], new byte[] {1}, new byte[] {1, 2}, new byte[] {9, 9, 9});

  @Test
  void tableMatchesTheReferenceModelAndKeepsItsInvariants() {
    long seed = seed();
    Random seeds = new Random(seed);
    for (int i = 0; i < SEQUENCES; i++) {
      long sequenceSeed = seeds.nextLong();
      try {
        runSequence(new Random(sequenceSeed));
      } catch (AssertionError | RuntimeException e) {
        fail("model test failed with -Dseed=" + seed + " (sequence " + i + "): " + e, e);
      }
    }
  }

  /** The seed given as -Dseed=N, or a fresh one when absent or empty. */
  private static long seed() {
    String given = System.getProperty("seed");
    return given == null || given.isBlank() ? new Random().nextLong() : Long.parseLong(given);
  }

  private void runSequence(Random random) {
    Generator gen = new Generator(random);
    ReferenceModel model = new ReferenceModel(LIMITS);
    List<Long> times = new ArrayList<>();
    List<List<Command>> entries = new ArrayList<>();
    Observed observed = new Observed();
    try (TableHarness h = new TableHarness(LIMITS)) {
      long timeMs = random.nextInt(1000);
      for (int e = 0; e < ENTRIES_PER_SEQUENCE; e++) {
        timeMs = Math.max(0, timeMs + random.nextInt(90) - 30);
        List<Command> commands = gen.entry(model);
        List<ReferenceModel.Expected> expected = model.applyEntry(timeMs, commands);
        List<CommandResult> actual = h.apply(timeMs, commands);
        compareResults(e, commands, expected, actual);
        compareState(h, model);
        observed.check(h);
        times.add(timeMs);
        entries.add(commands);
      }
      checkPaging(h, model);
      try (TableHarness replay = new TableHarness(LIMITS)) {
        for (int e = 0; e < entries.size(); e++) {
          replay.apply(times.get(e), entries.get(e));
        }
        assertEquals(h.dump(), replay.dump(), "replay on a fresh store wrote other bytes");
      }
    }
  }

  private static void compareResults(int entry, List<Command> commands,
      List<ReferenceModel.Expected> expected, List<CommandResult> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      String where = "entry " + entry + " command " + i + " " + commands.get(i) + ": "
          + actual.get(i).detail();
      assertEquals(expected.get(i).outcome(), actual.get(i).outcome(), where);
      assertEquals(expected.get(i).txn(), actual.get(i).txn(), where);
    }
  }

  private static void compareState(TableHarness h, ReferenceModel model) {
    for (String xid : XIDS) {
      assertEquals(model.view(xid), h.find(xid), "txn " + xid);
    }
    for (String p : PARTICIPANTS) {
      assertEquals(model.lastSeq(p), h.table.lastSeq(h.store, p), "last seq of " + p);
      assertEquals(model.watermark(p), h.table.watermark(h.store, p), "watermark of " + p);
      assertEquals(Optional.ofNullable(model.endpoint(p)),
          h.table.endpoint(h.store, p), "endpoint of " + p);
    }
    assertEquals(model.backlog(), h.table.backlog(h.store), "backlog");
    assertEquals(model.clusterTimeMs(), h.table.clusterTimeMs(h.store));
    assertEquals(model.trying(), h.table.activeTxns(h.store), "active txn count");
  }

  private static void checkPaging(TableHarness h, ReferenceModel model) {
    List<String> all = new ArrayList<>();
    String after = null;
    while (true) {
      List<TxnView> page = h.table.list(h.store, null, after, 3);
      page.forEach(txn -> all.add(txn.xid()));
      if (page.size() < 3) {
        break;
      }
      after = page.get(2).xid();
    }
    List<String> known = XIDS.stream().filter(x -> model.view(x) != null).sorted().toList();
    assertEquals(known, all, "paging lists every txn once, in xid order");
  }

  /**
   * The invariants, checked on what the table shows after each entry, against what it showed
   * before: these hold whatever the model says.
   */
  private static final class Observed {
    private final Map<String, TxnView> before = new HashMap<>();
    private final Map<String, Long> lastSeqBefore = new HashMap<>();
    private final Map<String, Long> watermarkBefore = new HashMap<>();

    void check(TableHarness h) {
      Map<String, TreeSet<Long>> seqs = new HashMap<>();
      long trying = 0;
      for (String xid : XIDS) {
        TxnView now = h.find(xid);
        if (now == null) {
          continue;
        }
        TxnView was = before.get(xid);
        checkTxn(was, now);
        trying += now.state() == TxnState.TRYING ? 1 : 0;
        for (BranchView b : now.branches()) {
          if (b.seq() > 0) {
            assertTrue(seqs.computeIfAbsent(b.participant(), k -> new TreeSet<>()).add(b.seq()),
                "seq " + b.participant() + "#" + b.seq() + " assigned twice");
          }
        }
        before.put(xid, now);
      }
      for (String p : PARTICIPANTS) {
        checkParticipant(h, p, seqs.getOrDefault(p, new TreeSet<>()));
      }
      assertEquals(trying, h.table.activeTxns(h.store), "active count = TRYING txns");
      assertEquals(trying, h.table.list(h.store, TxnState.TRYING, null, 50).size());
    }

    private void checkTxn(TxnView was, TxnView now) {
      if (was != null && was.decision() != null) {
        assertEquals(was.decision(), now.decision(), "decision flipped on " + now.xid());
        assertEquals(was.expired(), now.expired(), "expiry touched decided " + now.xid());
        for (int i = 0; i < was.branches().size(); i++) {
          assertEquals(was.branches().get(i).seq(), now.branches().get(i).seq(), "seq moved");
        }
      }
      if (now.expired() && (was == null || !was.expired())) {
        assertTrue(was != null && was.state() == TxnState.TRYING, "expired a non-TRYING txn");
        assertEquals(Decision.CANCEL, now.decision());
      }
      boolean allDone = now.branches().stream().allMatch(b -> b.state().isDone());
      if (now.state().isFinal()) {
        assertTrue(allDone, "final before every branch was acked or resolved: " + now);
      } else if (now.state() != TxnState.TRYING) {
        assertTrue(!allDone, "every branch done but not final: " + now);
      }
    }

    private void checkParticipant(TableHarness h, String p, TreeSet<Long> seqs) {
      long last = h.table.lastSeq(h.store, p);
      long watermark = h.table.watermark(h.store, p);
      assertEquals(last, seqs.size(), "seqs of " + p + " are not 1.." + last + ": " + seqs);
      assertTrue(seqs.isEmpty() || (seqs.first() == 1 && seqs.last() == last),
          "seqs of " + p + " are not contiguous from 1: " + seqs);
      assertTrue(watermark <= last, "watermark above last seq for " + p);
      assertTrue(last >= lastSeqBefore.getOrDefault(p, 0L), "last seq went back for " + p);
      assertTrue(watermark >= watermarkBefore.getOrDefault(p, 0L), "watermark went back: " + p);
      List<Long> pending = h.table.pending(h.store, p, watermark, 50).stream()
          .map(Phase2Record::seq).toList();
      List<Long> expected = new ArrayList<>();
      for (long s = watermark + 1; s <= last && expected.size() < 50; s++) {
        expected.add(s);
      }
      assertEquals(expected, pending, "pending calls of " + p + " above its watermark");
      lastSeqBefore.put(p, last);
      watermarkBefore.put(p, watermark);
    }
  }

  /** Random commands, biased towards the interesting: retries, conflicts, due txns, real seqs. */
  private static final class Generator {
    private final Random random;
    private final List<Command> sent = new ArrayList<>();

    Generator(Random random) {
      this.random = random;
    }

    List<Command> entry(ReferenceModel model) {
      int count = 1 + random.nextInt(4);
      List<Command> commands = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        commands.add(command(model));
      }
      return commands;
    }

    private Command command(ReferenceModel model) {
      if (!sent.isEmpty() && random.nextInt(8) == 0) {
        return sent.get(random.nextInt(sent.size()));
      }
      int roll = random.nextInt(100);
      Command command;
      if (roll < 24) {
        long timeoutMs = random.nextInt(8) == 0
            ? pick(List.of(-1L, 5L, 9L, 101L)) : pick(List.of(10L, 40L, 100L));
        command = new Command.Begin(xid(), timeoutMs, branches());
      } else if (roll < 38) {
        command = new Command.RegisterBranch(xid(), branch());
      } else if (roll < 58) {
        command = new Command.Decide(xid(), random.nextBoolean()
            ? Decision.CONFIRM : Decision.CANCEL);
      } else if (roll < 74) {
        command = acks(model);
      } else if (roll < 84) {
        int maxTxns = random.nextInt(10) == 0 ? pick(List.of(0, 4)) : 1 + random.nextInt(3);
        command = new Command.ExpireDue(maxTxns);
      } else if (roll < 93) {
        String p = participant();
        long seq = random.nextInt((int) model.lastSeq(p) + 2);
        command = random.nextBoolean()
            ? new Command.MarkNeedsOperator(p, seq)
            : new Command.OperatorResolve(p, seq);
      } else {
        command = announce();
      }
      sent.add(command);
      return command;
    }

    private Command acks(ReferenceModel model) {
      List<Ack> acks = new ArrayList<>();
      int count = random.nextInt(10) == 0 ? 4 : 1 + random.nextInt(2);
      for (int i = 0; i < count; i++) {
        String p = participant();
        long wm = model.watermark(p);
        long last = model.lastSeq(p);
        long seq = random.nextInt(4) == 0
            ? random.nextInt((int) last + 3) - 1
            : wm + random.nextInt((int) (last - wm) + 1);
        acks.add(new Ack(p, seq));
      }
      return new Command.RecordAcks(acks);
    }

    /** Mostly a few valid endpoints (so repeats are common), sometimes a bad host or port. */
    private Command announce() {
      String host = random.nextInt(10) == 0
          ? pick(List.of("", "a b", "h".repeat(254), "\u00e9")) : pick(HOSTS);
      int port = random.nextInt(10) == 0
          ? pick(List.of(0, -1, 65_536)) : pick(List.of(1, 7000, 65_535));
      return new Command.AnnounceEndpoint(participant(), host, port);
    }

    private List<Branch> branches() {
      int count = random.nextInt(12) == 0 ? 4 : random.nextInt(3);
      List<Branch> branches = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        branches.add(branch());
      }
      return branches;
    }

    private Branch branch() {
      String id = random.nextInt(40) == 0 ? pick(BAD_IDS) : pick(BRANCH_IDS);
      byte[] payload = random.nextInt(4) == 0 ? pick(PAYLOADS) : PAYLOADS.get(1);
      return new Branch(id, participant(), payload);
    }

    private String xid() {
      return random.nextInt(40) == 0 ? pick(BAD_IDS) : pick(XIDS);
    }

    private String participant() {
      return random.nextInt(60) == 0 ? pick(BAD_IDS) : pick(PARTICIPANTS);
    }

    private <T> T pick(List<T> values) {
      return values.get(random.nextInt(values.size()));
    }
  }
}
