package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.client.participant.BranchContext.Phase;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.wire.NettyLeakWatch;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An endpoint restarted on the same fence store (H2 files, or a RocksDB directory) resumes where
 * it was: its applied seq survives, a redelivered call is a duplicate, the next call applies.
 */
@ExtendWith(NettyLeakWatch.class)
class EndpointRestartTest {
  static final String P = "accounts";

  @TempDir Path dir;

  enum Kind { JDBC, ROCKS }

  /** A fence store on disk that can be closed and opened again. */
  private final class DiskFence implements AutoCloseable {
    private final Kind kind;
    private H2Db db;
    FenceStore store;

    DiskFence(Kind kind) throws Exception {
      this.kind = kind;
      open();
    }

    void open() throws Exception {
      if (kind == Kind.JDBC) {
        db = H2Db.file(dir);
        store = JdbcFenceStore.create(db.dataSource);
      } else {
        store = RocksFenceStore.open(dir.resolve("fence"));
      }
    }

    @Override
    public void close() throws SQLException {
      store.close();
      if (db != null) {
        db.close();
      }
    }
  }

  private static ParticipantEndpoint endpoint(RecordingResource resource, FenceStore store)
      throws InterruptedException {
    return ParticipantEndpoint.builder().participant(P, resource, store).start();
  }

  private static Outcome outcome(Phase2Ack ack) {
    return Outcome.fromCode(ack.getOutcome());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theAppliedSeqSurvivesARestartAndARedeliveryIsADuplicate(Kind kind) throws Exception {
    RecordingResource resource = new RecordingResource();
    DiskFence fence = new DiskFence(kind);
    try (ParticipantEndpoint first = endpoint(resource, fence.store);
        TestLeader leader = new TestLeader(first.address())) {
      leader.pipeline(List.of(Calls.cancel(P, 1, 4, "x1"), Calls.cancel(P, 2, 4, "x2"),
          Calls.cancel(P, 3, 4, "x3")));
    }
    fence.close();

    fence.open();
    try (ParticipantEndpoint second = endpoint(resource, fence.store);
        TestLeader leader = new TestLeader(second.address())) {
      Phase2Ack redelivered = leader.call(Calls.cancel(P, 3, 4, "x3"));
      assertEquals(Outcome.OK, outcome(redelivered));
      assertEquals(3, redelivered.getAppliedSeq());
      assertEquals(Outcome.STALE_TERM, outcome(leader.call(Calls.cancel(P, 4, 3, "x4"))),
          "the highest term seen survives too");
      assertEquals(Outcome.SEQ_GAP, outcome(leader.call(Calls.cancel(P, 5, 4, "x5"))));
      Phase2Ack next = leader.call(Calls.cancel(P, 4, 4, "x4"));
      assertEquals(Outcome.OK, outcome(next));
      assertEquals(4, next.getAppliedSeq());
    } finally {
      fence.close();
    }
    assertEquals(0, resource.succeeded(Phase.CANCEL).size(), "all were empty cancels");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aTriedBranchIsConfirmedOnceAcrossARestart(Kind kind) throws Exception {
    RecordingResource resource = new RecordingResource();
    DiskFence fence = new DiskFence(kind);
    try (ParticipantEndpoint first = endpoint(resource, fence.store);
        TestLeader leader = new TestLeader(first.address())) {
      new Fence(P, resource, fence.store).tryBranch("x1", "b", new byte[0]);
      assertEquals(Outcome.OK, outcome(leader.call(Calls.confirm(P, 1, 1, "x1"))));
    }
    fence.close();

    fence.open();
    try (ParticipantEndpoint second = endpoint(resource, fence.store);
        TestLeader leader = new TestLeader(second.address())) {
      assertEquals(Outcome.OK, outcome(leader.call(Calls.confirm(P, 1, 1, "x1"))));
      assertEquals(FenceState.CONFIRMED, fence.store.branch(P, "x1", "b").orElseThrow().state());
    } finally {
      fence.close();
    }
    assertEquals(1, resource.succeeded(Phase.CONFIRM).size());
  }
}
