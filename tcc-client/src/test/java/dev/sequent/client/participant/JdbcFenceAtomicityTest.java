package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.TryResult;
import dev.sequent.client.participant.BranchContext.Phase;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC fence's reason to exist: the business change (a ledger row), the fence row and the
 * watermark commit together or roll back together, against a real H2 database, crash included.
 */
class JdbcFenceAtomicityTest {
  static final String P = "accounts";

  @TempDir Path dir;

  @Test
  void aResourceThrowingAfterItsBusinessChangeLeavesNothingAndTheRetryAppliesOnce()
      throws Exception {
    try (H2Db db = H2Db.memory()) {
      JdbcFenceStore store = JdbcFenceStore.create(db.dataSource);
      RecordingResource resource = new RecordingResource()
          .failAfterWrite(context -> context.phase() == Phase.CONFIRM);
      Fence fence = new Fence(P, resource, store);
      assertEquals(Outcome.OK, fence.tryBranch("x1", "b", new byte[0]).outcome());

      Phase2Ack failed = fence.apply(Calls.confirm(P, 1, 1, "x1"));
      assertEquals(Outcome.PHASE2_FAILED, Outcome.fromCode(failed.getOutcome()));
      assertEquals(List.of("TRY x1/b 0"), db.ledger(), "the confirm's ledger row rolled back");
      assertEquals(FenceState.TRIED, store.branch(P, "x1", "b").orElseThrow().state());
      assertEquals(Watermark.NONE, store.watermark(P));

      resource.failAfterWrite(context -> false);
      assertEquals(Outcome.OK, Outcome.fromCode(fence.apply(Calls.confirm(P, 1, 1, "x1"))
          .getOutcome()));
      assertEquals(Outcome.OK, Outcome.fromCode(fence.apply(Calls.confirm(P, 1, 1, "x1"))
          .getOutcome()));
      assertEquals(List.of("TRY x1/b 0", "CONFIRM x1/b 1"), db.ledger());
      assertEquals(new Watermark(1, 1), store.watermark(P));
    }
  }

  @Test
  void aFailedTryRollsBackItsBusinessChangeButKeepsItsFenceRow() throws Exception {
    try (H2Db db = H2Db.memory()) {
      JdbcFenceStore store = JdbcFenceStore.create(db.dataSource);
      RecordingResource resource = new RecordingResource()
          .failAfterWrite(context -> context.phase() == Phase.TRY);
      Fence fence = new Fence(P, resource, store);

      assertEquals(Outcome.TRY_FAILED, fence.tryBranch("x1", "b", new byte[0]).outcome());
      assertEquals(List.of(), db.ledger());
      assertEquals(FenceState.TRY_FAILED, store.branch(P, "x1", "b").orElseThrow().state());
      assertEquals(Outcome.OK, Outcome.fromCode(fence.apply(Calls.cancel(P, 1, 1, "x1"))
          .getOutcome()));
      assertEquals(1, db.count("SELECT COUNT(*) FROM ledger WHERE step = 'CANCEL'"
          + " AND try_failed"));
    }
  }

  @Test
  void theResourceCannotCommitOrKeepTheFencesConnection() throws Exception {
    try (H2Db db = H2Db.memory()) {
      JdbcFenceStore store = JdbcFenceStore.create(db.dataSource);
      AtomicReference<Connection> kept = new AtomicReference<>();
      TccResource committing = new TccResource() {
        @Override
        public void onTry(BranchContext branch) throws Exception {
          Connection connection = branch.connection().orElseThrow();
          kept.set(connection);
          try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO ledger (step) VALUES ('TRY')");
          }
          connection.commit(); // refused: it would make the row durable without the fence
        }

        @Override
        public void onConfirm(BranchContext branch) {}

        @Override
        public void onCancel(BranchContext branch) {}
      };
      TryResult result = new Fence(P, committing, store).tryBranch("x1", "b", new byte[0]);
      assertEquals(Outcome.TRY_FAILED, result.outcome());
      assertTrue(result.message().contains("commit() is refused"), result.message());
      assertEquals(0, db.count("SELECT COUNT(*) FROM ledger"));
      SQLException afterwards =
          assertThrows(SQLException.class, () -> kept.get().createStatement());
      assertTrue(afterwards.getMessage().contains("transaction has ended"));
    }
  }

  /**
   * A crash between the business change and the commit: the database dies (SHUTDOWN IMMEDIATELY,
   * no commit, no clean close) while the confirm's ledger row is written but uncommitted. After
   * reopening the files, neither that row nor the fence row's change nor the watermark is there,
   * and the redelivered call applies once.
   */
  @Test
  void aCrashBeforeCommitLeavesNothingAfterRestartAndTheRedeliveryAppliesOnce() throws Exception {
    H2Db db = H2Db.file(dir);
    JdbcFenceStore store = JdbcFenceStore.create(db.dataSource);
    RecordingResource resource = new RecordingResource();
    Fence fence = new Fence(P, resource, store);
    assertEquals(Outcome.OK, fence.tryBranch("x1", "b", new byte[0]).outcome());
    TccResource crashing = new TccResource() {
      @Override
      public void onTry(BranchContext branch) {}

      @Override
      public void onConfirm(BranchContext branch) throws Exception {
        try (Statement statement = branch.connection().orElseThrow().createStatement()) {
          statement.executeUpdate(
              "INSERT INTO ledger (xid, step, seq) VALUES ('x1', 'CONFIRM', 1)");
        }
        try (Connection other = db.dataSource.getConnection();
            Statement kill = other.createStatement()) {
          kill.execute("SHUTDOWN IMMEDIATELY");
        }
      }

      @Override
      public void onCancel(BranchContext branch) {}
    };
    Phase2Ack crashed = new Fence(P, crashing, store).apply(Calls.confirm(P, 1, 1, "x1"));
    assertEquals(Outcome.PHASE2_FAILED, Outcome.fromCode(crashed.getOutcome()));

    H2Db reopened = H2Db.file(dir);
    try {
      JdbcFenceStore restarted = JdbcFenceStore.create(reopened.dataSource);
      assertEquals(List.of("TRY x1/b 0"), reopened.ledger());
      assertEquals(FenceState.TRIED, restarted.branch(P, "x1", "b").orElseThrow().state());
      assertEquals(Watermark.NONE, restarted.watermark(P));
      Fence again = new Fence(P, resource, restarted);
      assertEquals(Outcome.OK,
          Outcome.fromCode(again.apply(Calls.confirm(P, 1, 1, "x1")).getOutcome()));
      assertEquals(List.of("TRY x1/b 0", "CONFIRM x1/b 1"), reopened.ledger());
    } finally {
      reopened.close();
    }
  }

  /**
   * Two writers of one participant's stream on one database (two endpoints, say), each pushing
   * every call in order and retrying refusals: the participant row lock keeps them from
   * interleaving, so every call is applied exactly once and in seq order.
   */
  @Test
  void twoWritersOfOneStreamNeverInterleave() throws Exception {
    int calls = 40;
    try (H2Db db = H2Db.memory()) {
      RecordingResource resource = new RecordingResource();
      Fence first = new Fence(P, resource, JdbcFenceStore.create(db.dataSource));
      Fence second = new Fence(P, resource, JdbcFenceStore.create(db.dataSource));
      for (int i = 1; i <= calls; i++) {
        assertEquals(Outcome.OK, first.tryBranch("x" + i, "b", new byte[0]).outcome());
      }
      ExecutorService writers = Executors.newFixedThreadPool(2,
          runnable -> new Thread(runnable, "writer-" + System.nanoTime()));
      try {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Fence fence : List.of(first, second)) {
          done.add(CompletableFuture.runAsync(() -> pushAll(fence, calls), writers));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      } finally {
        writers.shutdownNow();
        assertTrue(writers.awaitTermination(5, TimeUnit.SECONDS));
      }
      assertEquals(LongStream.rangeClosed(1, calls).boxed().toList(), db.phase2Seqs());
      assertEquals(calls, JdbcFenceStore.create(db.dataSource).watermark(P).appliedSeq());
    }
  }

  /** Cancels of x1..xN, each pushed until it is applied (OK) by this writer or the other. */
  private static void pushAll(Fence fence, int calls) {
    for (long seq = 1; seq <= calls; seq++) {
      for (int attempt = 0; ; attempt++) {
        Phase2Ack ack = fence.apply(Calls.cancel(P, seq, 1, "x" + seq));
        if (ack.getOutcome() == Outcome.OK.code()) {
          break;
        }
        assertTrue(attempt < 1_000, "seq " + seq + " never applied: " + ack);
      }
    }
  }
}
