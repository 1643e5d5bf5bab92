package dev.sequent.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.BranchView;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import dev.sequent.storage.StateReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher end to end over real sockets on 127.0.0.1: a real {@link TransactionTable} over
 * an in-memory store stands in for the replicated state, with a tiny "log" that applies every
 * proposal at once; {@link FakeParticipant}s apply calls strictly in order. Every wait is bounded;
 * nothing asserts on time.
 */
class DispatcherTest {

  private static final long WAIT_MS = 30_000;
  private static final DispatcherSettings SETTINGS = DispatcherSettings.DEFAULTS
      .withInflightMax(8).withBackoffMs(5, 50).withAttemptsMax(3).withTimeoutsMs(1_000, 5_000);

  private final FakeLog log = new FakeLog();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<FakeParticipant> participants = new ArrayList<>();
  private Dispatcher dispatcher;

  @AfterEach
  void close() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    participants.forEach(FakeParticipant::close);
    log.store.close();
  }

  @Test
  void callsArriveInSeqOrderAcrossTxnsAndAcksAdvanceTheWatermark() throws Exception {
    long seed = BackoffPolicyTest.seed();
    SplittableRandom random = new SplittableRandom(seed);
    FakeParticipant a = participant("pa");
    FakeParticipant b = participant("pb");
    // Every third read of the store fails, as while a snapshot install swaps it.
    AtomicInteger reads = new AtomicInteger();
    start(7, () -> {
      if (reads.incrementAndGet() % 3 == 0) {
        throw new IllegalStateException("store is being replaced");
      }
      return log.store;
    });

    Map<String, List<Expected>> expected = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      List<Branch> branches = new ArrayList<>();
      int count = 1 + random.nextInt(3);
      for (int k = 0; k < count; k++) {
        String participant = random.nextBoolean() ? "pa" : "pb";
        branches.add(new Branch("b" + k, participant, new byte[] {(byte) i}));
      }
      Decision decision = random.nextInt(4) == 0 ? Decision.CANCEL : Decision.CONFIRM;
      decide("x" + i, branches, decision, expected);
    }

    awaitDrained("-Dseed=" + seed, a, b);
    for (FakeParticipant p : List.of(a, b)) {
      assertEquals(expected.get(p.name), asExpected(p.applied()), "-Dseed=" + seed + ": " + p.name
          + " applied exactly the table's seqs, in order");
      assertTrue(p.applied().stream().allMatch(c -> c.term() == 7 && !c.operatorResolved()));
      assertEquals(0, p.gapsAnswered(), "never a call out of order");
    }
    for (int i = 0; i < 60; i++) {
      assertTrue(log.find("x" + i).state().isFinal(), "x" + i + " completed");
    }
    assertTrue(registry.get(DispatchMetrics.CALLS_SENT).tag("participant", "pa")
        .tag("node", "n1").counter().count() >= expected.get("pa").size());
  }

  @Test
  void aConnectionCutMidStreamResumesWithoutLossOrReordering() throws Exception {
    FakeParticipant a = participant("pa");
    // Cuts further apart than the window (8), so each lands on a connection of its own.
    a.cutAfter.addAll(List.of(2L, 11L, 20L, 29L));
    start(3, () -> log.store);

    Map<String, List<Expected>> expected = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      decide("x" + i, List.of(new Branch("b", "pa", new byte[0])), Decision.CONFIRM, expected);
    }

    awaitDrained("cut connections", a);
    assertEquals(expected.get("pa"), asExpected(a.applied()), "no call lost, none reordered");
    assertEquals(0, a.gapsAnswered(), "every connection resumed from the first unacknowledged");
    assertTrue(a.cutAfter.isEmpty(), "every planned cut happened");
    assertTrue(a.connections.get() >= 5, "a new connection per cut: " + a.connections.get());
  }

  @Test
  void aParticipantThatIsDownStallsOnlyItsOwnStream() throws Exception {
    FakeParticipant up = participant("pa");
    FakeParticipant down = participant("pb");
    int downPort = down.port();
    down.stop();
    start(2, () -> log.store);

    Map<String, List<Expected>> expected = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      decide("x" + i, List.of(new Branch("b1", "pa", new byte[0]),
          new Branch("b2", "pb", new byte[0])), Decision.CONFIRM, expected);
    }

    awaitDrained("the participant that is up", up);
    assertEquals(expected.get("pa"), asExpected(up.applied()));
    assertEquals(0, log.table.watermark(log.store, "pb"));
    await(() -> gauge(DispatchMetrics.DOWN_MS, "pb") > 0, "the down time is exposed");
    assertEquals(20, (long) gauge(DispatchMetrics.BACKLOG, "pb"));

    down.start(downPort);
    awaitDrained("the participant once back", down);
    assertEquals(expected.get("pb"), asExpected(down.applied()), "its backlog drains in order");
    assertTrue(log.find("x19").state().isFinal());
  }

  @Test
  void theAttemptLimitMarksTheCallNeedsOperatorAndAResolutionIsDeliveredInOrder()
      throws Exception {
    FakeParticipant a = participant("pa");
    a.failing = true;
    start(4, () -> log.store);
    Map<String, List<Expected>> expected = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      decide("x" + i, List.of(new Branch("b", "pa", new byte[0])), Decision.CONFIRM, expected);
    }

    await(() -> log.find("x0").branches().get(0).state() == BranchState.NEEDS_OPERATOR,
        "seq 1 marked after 3 failed attempts");
    await(() -> gauge(DispatchMetrics.NEEDS_OPERATOR, "pa") == 1, "the mark is in the metrics");
    assertEquals(3, a.received(1), "exactly attemptsMax attempts, then held");
    assertTrue(a.applied().isEmpty());
    assertEquals(BranchState.PENDING, log.find("x1").branches().get(0).state(),
        "later calls wait behind it: strict order");

    a.failing = false;
    assertEquals(Outcome.OK, log.apply(new Command.OperatorResolve("pa", 1)).get(0).outcome());

    awaitDrained("after the operator's resolution", a);
    List<FakeParticipant.Applied> applied = a.applied();
    assertEquals(expected.get("pa"), asExpected(applied));
    assertTrue(applied.get(0).operatorResolved(), "seq 1 goes with operator_resolved");
    assertFalse(applied.get(1).operatorResolved());
    assertTrue(log.find("x0").state().isFinal(), "a resolution counts towards completion");
  }

  @Test
  void aNewTermResumesFromTheReplicatedWatermark() throws Exception {
    FakeParticipant a = participant("pa");
    start(5, () -> log.store);
    Map<String, List<Expected>> expected = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      decide("x" + i, List.of(new Branch("b", "pa", new byte[0])), Decision.CANCEL, expected);
    }
    awaitDrained("term 5", a);

    dispatcher.stop();
    for (int i = 10; i < 20; i++) {
      decide("x" + i, List.of(new Branch("b", "pa", new byte[0])), Decision.CONFIRM, expected);
    }
    dispatcher.start(6);

    awaitDrained("term 6", a);
    List<FakeParticipant.Applied> applied = a.applied();
    assertEquals(expected.get("pa"), asExpected(applied));
    assertTrue(applied.subList(10, 20).stream().allMatch(c -> c.term() == 6),
        "every call carries the term given to start");
  }

  // ------------------------------------------------------------------ helpers

  /** One expected call: its seq, branch and decision. */
  private record Expected(long seq, String xid, String branchId, Decision decision) {}

  private FakeParticipant participant(String name) throws InterruptedException {
    FakeParticipant p = new FakeParticipant(name).start(0);
    participants.add(p);
    CommandResult announced =
        log.apply(new Command.AnnounceEndpoint(name, "127.0.0.1", p.port())).get(0);
    assertEquals(Outcome.OK, announced.outcome());
    return p;
  }

  private void start(long term, Supplier<StateReader> state) {
    dispatcher = new Dispatcher("n1", SETTINGS, log.table, state, log::propose, registry);
    log.onApplied = dispatcher::wake;
    dispatcher.start(term);
  }

  /** Begins and decides a txn, noting each branch's seq as the table assigned it. */
  private void decide(String xid, List<Branch> branches, Decision decision,
      Map<String, List<Expected>> expected) {
    List<CommandResult> results = log.apply(new Command.Begin(xid, 60_000, branches),
        new Command.Decide(xid, decision));
    assertEquals(Outcome.OK, results.get(1).outcome(), results.get(1).detail());
    for (BranchView branch : results.get(1).txn().branches()) {
      expected.computeIfAbsent(branch.participant(), p -> new ArrayList<>())
          .add(new Expected(branch.seq(), xid, branch.branchId(), decision));
    }
  }

  private static List<Expected> asExpected(List<FakeParticipant.Applied> applied) {
    return applied.stream().map(c -> new Expected(c.seq(), c.xid(), c.branchId(),
        c.decision() == dev.sequent.protocol.proto.Decision.CONFIRM
            ? Decision.CONFIRM : Decision.CANCEL)).toList();
  }

  /** Waits until each participant's replicated watermark reaches its last seq. */
  private void awaitDrained(String what, FakeParticipant... drained) {
    for (FakeParticipant p : drained) {
      await(() -> {
        long last = log.table.lastSeq(log.store, p.name);
        return last > 0 && log.table.watermark(log.store, p.name) == last;
      }, what + ": " + p.name + " acknowledged everything (applied " + p.appliedSeq() + ")");
    }
  }

  private double gauge(String name, String participant) {
    var gauge = registry.find(name).tag("participant", participant).gauge();
    return gauge == null ? -1 : gauge.value();
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("gave up after " + WAIT_MS + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for: " + what);
      }
    }
  }

  /**
   * The replicated log, reduced to one node applying each proposal at once, in the order
   * proposed, the way the state machine applies committed entries.
   */
  private static final class FakeLog {
    final TransactionTable table = new TransactionTable(TableLimits.DEFAULTS);
    final InMemoryStateStore store = InMemoryStateStore.create(TransactionTable.keyspaces());
    volatile Runnable onApplied = () -> { };
    private long index;

    synchronized List<CommandResult> apply(Command... commands) {
      StagedWrites staged = store.stage();
      List<CommandResult> results =
          table.applyEntry(System.currentTimeMillis(), List.of(commands), staged);
      store.commit(staged, new AppliedIndex(1, ++index));
      onApplied.run();
      return results;
    }

    CompletableFuture<CommandResult> propose(Command command) {
      return CompletableFuture.completedFuture(apply(command).get(0));
    }

    TxnView find(String xid) {
      return table.find(store, xid);
    }
  }
}
