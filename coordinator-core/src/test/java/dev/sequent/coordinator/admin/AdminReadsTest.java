package dev.sequent.coordinator.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.BranchView;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnState;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The table's operator reads against a reference: random txns (some confirmed, cancelled, left
 * trying, with branches of several participants, some calls marked as needing an operator), then
 * every page size and scan bound. Paging must yield exactly the reference's list, in order, each
 * item once, never more than the limit per page, and the scan bound must cut pages short instead
 * of scanning on. A failure prints its seed; {@code -Dseed=N} replays it.
 */
class AdminReadsTest {
  private static final String[] PARTICIPANTS = {"alpha", "beta", "gamma", "delta"};

  private final long seed = Long.getLong("seed", System.nanoTime());
  private final Random random = new Random(seed);
  private final TransactionTable table = new TransactionTable(TableLimits.DEFAULTS);
  private final InMemoryStateStore store = InMemoryStateStore.create(TransactionTable.keyspaces());
  private long index;

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void listPagesYieldEveryTxnOfTheFilterOnceInXidOrder() {
    List<TxnView> all = populate(60);
    for (TxnState filter : new TxnState[] {null, TxnState.TRYING, TxnState.CONFIRMING,
        TxnState.CANCELLED}) {
      List<String> expected = all.stream()
          .filter(t -> filter == null || t.state() == filter).map(TxnView::xid).sorted().toList();
      for (int round = 0; round < 10; round++) {
        int limit = 1 + random.nextInt(8);
        int scanMax = 1 + random.nextInt(12);
        List<String> listed = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
          TransactionTable.TxnPage page = table.listPage(store, filter, after, limit, scanMax);
          assertTrue(page.txns().size() <= Math.min(limit, scanMax), "seed " + seed);
          page.txns().forEach(t -> listed.add(t.xid()));
          assertTrue(page.txns().stream().allMatch(t -> filter == null || t.state() == filter));
          after = page.nextAfterXid();
          pages++;
        } while (after != null && pages <= all.size() + 1);
        assertEquals(expected, listed, "filter " + filter + ", limit " + limit + ", scanMax "
            + scanMax + ", seed " + seed);
      }
    }
  }

  @Test
  void callsNeedingAnOperatorArePagedInParticipantAndSeqOrder() {
    populate(60);
    TreeMap<String, Long> marked = new TreeMap<>();
    for (String participant : PARTICIPANTS) {
      long lastSeq = table.lastSeq(store, participant);
      for (long seq = 1; seq <= lastSeq; seq++) {
        if (random.nextInt(3) == 0) {
          CommandResult result = apply(new Command.MarkNeedsOperator(participant, seq));
          assertEquals(Outcome.OK, result.outcome(), "seed " + seed);
          marked.put(participant + "#" + String.format("%09d", seq), seq);
        }
      }
    }
    List<String> expected = new ArrayList<>(marked.keySet());
    for (int round = 0; round < 20; round++) {
      int limit = 1 + random.nextInt(5);
      int scanMax = 1 + random.nextInt(10);
      List<String> listed = new ArrayList<>();
      String afterParticipant = null;
      long afterSeq = 0;
      int pages = 0;
      do {
        TransactionTable.CallPage page =
            table.needsOperator(store, afterParticipant, afterSeq, limit, scanMax);
        assertTrue(page.calls().size() <= limit, "seed " + seed);
        for (Phase2Record call : page.calls()) {
          assertEquals(BranchState.NEEDS_OPERATOR, call.state());
          listed.add(call.participant() + "#" + String.format("%09d", call.seq()));
        }
        afterParticipant = page.nextParticipant();
        afterSeq = page.nextSeq();
        pages++;
      } while (afterParticipant != null && pages < 10_000);
      assertNull(afterParticipant, "the listing ends, seed " + seed);
      assertEquals(expected, listed, "limit " + limit + ", scanMax " + scanMax + ", seed " + seed);
    }
  }

  /** Txns x-000 .. in random states; decided ones have phase-2 calls of random participants. */
  private List<TxnView> populate(int count) {
    List<TxnView> txns = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String xid = String.format("x-%03d", random.nextInt(1000));
      List<Branch> branches = new ArrayList<>();
      for (int b = random.nextInt(3); b > 0; b--) {
        branches.add(new Branch("b" + b, PARTICIPANTS[random.nextInt(PARTICIPANTS.length)],
            new byte[] {(byte) b}));
      }
      if (apply(new Command.Begin(xid, 60_000, branches)).outcome() != Outcome.OK) {
        continue; // the same xid drawn twice with other content: one txn is enough
      }
      switch (random.nextInt(3)) {
        case 0 -> apply(new Command.Decide(xid, Decision.CONFIRM));
        case 1 -> apply(new Command.Decide(xid, Decision.CANCEL));
        default -> { }
      }
    }
    table.listPage(store, null, null, 1000, 100_000).txns().forEach(txns::add);
    assertTrue(txns.stream().anyMatch(t -> t.branches().stream()
        .map(BranchView::seq).anyMatch(seq -> seq > 0)), "some calls exist, seed " + seed);
    return txns;
  }

  private CommandResult apply(Command command) {
    StagedWrites staged = store.stage();
    List<CommandResult> results = table.applyEntry(1_000, List.of(command), staged);
    store.commit(staged, new AppliedIndex(1, ++index));
    return results.get(0);
  }
}
