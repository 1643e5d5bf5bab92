package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.proto.TryReply;
import dev.sequent.protocol.proto.TryRequest;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.NettyLeakWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Phase two over a real socket: a test leader sends Phase2Calls with the real codec to a real
 * endpoint whose JDBC fence and business table live in H2. The ledger (one row per effect, in
 * commit order) is the participant's applied log: it must equal the seq order, each effect once.
 */
@ExtendWith(NettyLeakWatch.class)
class Phase2OrderingTest {
  static final String P = "accounts";

  private H2Db db;
  private RecordingResource resource;
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private ParticipantEndpoint endpoint;
  private TestLeader leader;

  @BeforeEach
  void start() throws Exception {
    db = H2Db.memory();
    resource = new RecordingResource();
    TccResource threadNoting = new TccResource() {
      @Override
      public void onTry(BranchContext branch) throws Exception {
        threads.add(Thread.currentThread().getName());
        resource.onTry(branch);
      }

      @Override
      public void onConfirm(BranchContext branch) throws Exception {
        threads.add(Thread.currentThread().getName());
        resource.onConfirm(branch);
      }

      @Override
      public void onCancel(BranchContext branch) throws Exception {
        threads.add(Thread.currentThread().getName());
        resource.onCancel(branch);
      }
    };
    endpoint = ParticipantEndpoint.builder()
        .participant(P, threadNoting, JdbcFenceStore.create(db.dataSource))
        .start();
    leader = new TestLeader(endpoint.address());
  }

  @AfterEach
  void stop() throws Exception {
    leader.close();
    endpoint.close();
    db.close();
  }

  /** Tries branch b of x1..xN through the endpoint's try path, each answered OK. */
  private void tryAll(int count) throws Exception {
    for (int i = 1; i <= count; i++) {
      Envelope answer = leader.send(TryRequest.newBuilder().setXid("x" + i).setBranchId("b")
          .setParticipant(P).setPayload(ByteString.copyFromUtf8("try")).build())
          .get(10, TimeUnit.SECONDS);
      assertEquals(MessageType.TRY_REPLY, answer.type());
      assertEquals(Outcome.OK.code(), ((TryReply) answer.message()).getOutcome());
    }
  }

  private static List<Phase2Call> confirms(long fromSeq, long toSeq, long term) {
    List<Phase2Call> calls = new ArrayList<>();
    for (long seq = fromSeq; seq <= toSeq; seq++) {
      calls.add(Calls.confirm(P, seq, term, "x" + seq));
    }
    return calls;
  }

  private static List<Outcome> outcomes(List<Phase2Ack> acks) {
    return acks.stream().map(ack -> Outcome.fromCode(ack.getOutcome()))
        .collect(Collectors.toList());
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  @Test
  void pipelinedCallsInOrderAreAllAppliedInSeqOrder() throws Exception {
    tryAll(50);
    List<Phase2Ack> acks = leader.pipeline(confirms(1, 50, 1));
    for (int i = 0; i < acks.size(); i++) {
      Phase2Ack ack = acks.get(i);
      assertEquals(Outcome.OK, Outcome.fromCode(ack.getOutcome()), ack.getMessage());
      assertEquals(i + 1, ack.getSeq());
      assertEquals(i + 1, ack.getAppliedSeq(), "applied_seq is the watermark after the call");
      assertEquals(P, ack.getParticipant());
      assertEquals(1, ack.getTerm());
    }
    assertEquals(range(1, 50), db.phase2Seqs());
  }

  @Test
  void aGapIsRefusedWithNothingAppliedAndTheResendFillsIt() throws Exception {
    tryAll(4);
    assertEquals(Outcome.OK, Outcome.fromCode(leader.call(Calls.confirm(P, 1, 1, "x1"))
        .getOutcome()));
    List<Phase2Ack> gap = leader.pipeline(confirms(3, 4, 1));
    assertEquals(List.of(Outcome.SEQ_GAP, Outcome.SEQ_GAP), outcomes(gap));
    assertEquals(1, gap.get(0).getAppliedSeq(), "tells the leader where to resend from");
    assertEquals(List.of(1L), db.phase2Seqs());

    assertEquals(List.of(Outcome.OK, Outcome.OK, Outcome.OK),
        outcomes(leader.pipeline(confirms(2, 4, 1))));
    assertEquals(range(1, 4), db.phase2Seqs());
  }

  @Test
  void duplicatesResentAfterAReconnectTakeEffectOnce() throws Exception {
    tryAll(15);
    leader.pipeline(confirms(1, 10, 1));
    leader.reconnect();
    // The new connection resends from an older watermark: 5..10 again, then new calls.
    List<Phase2Ack> acks = leader.pipeline(confirms(5, 15, 1));
    assertTrue(outcomes(acks).stream().allMatch(outcome -> outcome == Outcome.OK),
        outcomes(acks).toString());
    assertEquals(10, acks.get(0).getAppliedSeq(), "a duplicate's ack carries the watermark");
    assertEquals(range(1, 15), db.phase2Seqs());
    assertEquals(15, db.count("SELECT COUNT(DISTINCT xid) FROM ledger WHERE step = 'CONFIRM'"));
  }

  @Test
  void aStaleTermAfterANewerOneIsRefusedAndNotApplied() throws Exception {
    tryAll(2);
    assertEquals(Outcome.OK, Outcome.fromCode(leader.call(Calls.confirm(P, 1, 7, "x1"))
        .getOutcome()));
    Phase2Ack stale = leader.call(Calls.confirm(P, 2, 6, "x2"));
    assertEquals(Outcome.STALE_TERM, Outcome.fromCode(stale.getOutcome()));
    assertEquals(6, stale.getTerm(), "the ack echoes the call's term");
    assertEquals(List.of(1L), db.phase2Seqs());
    assertEquals(Outcome.OK, Outcome.fromCode(leader.call(Calls.confirm(P, 2, 7, "x2"))
        .getOutcome()));
    assertEquals(range(1, 2), db.phase2Seqs());
  }

  @Test
  void aResourceFailureIsPhase2FailedWithNothingAppliedAndTheRetryAppliesOnce()
      throws Exception {
    tryAll(3);
    resource.failAfterWrite(context -> context.seq() == 2);
    assertEquals(List.of(Outcome.OK, Outcome.PHASE2_FAILED, Outcome.SEQ_GAP),
        outcomes(leader.pipeline(confirms(1, 3, 1))));
    assertEquals(List.of(1L), db.phase2Seqs());

    resource.failAfterWrite(context -> false);
    assertEquals(List.of(Outcome.OK, Outcome.OK), outcomes(leader.pipeline(confirms(2, 3, 1))));
    assertEquals(range(1, 3), db.phase2Seqs());
  }

  @Test
  void anOperatorResolvedCallAdvancesTheStreamWithoutRunningAnything() throws Exception {
    tryAll(2);
    Phase2Ack refused = leader.call(Calls.confirm(P, 1, 1, "never-tried"));
    assertEquals(Outcome.CONFIRM_WITHOUT_TRY, Outcome.fromCode(refused.getOutcome()));
    Phase2Ack resolved = leader.call(Calls.resolved(P, 1, 1, "never-tried"));
    assertEquals(Outcome.OK, Outcome.fromCode(resolved.getOutcome()));
    assertEquals(1, resolved.getAppliedSeq());
    assertEquals(Outcome.OK, Outcome.fromCode(leader.call(Calls.confirm(P, 2, 1, "x2"))
        .getOutcome()));
    assertEquals(List.of(2L), db.phase2Seqs());
  }

  @Test
  void anUnknownParticipantIsRefusedAndTheConnectionStays() throws Exception {
    Phase2Ack ack = leader.call(Calls.confirm("nobody", 1, 1, "x1"));
    assertEquals(Outcome.UNKNOWN_PARTICIPANT, Outcome.fromCode(ack.getOutcome()));
    Envelope tryAnswer = leader.send(TryRequest.newBuilder().setXid("x1").setBranchId("b")
        .setParticipant("nobody").build()).get(10, TimeUnit.SECONDS);
    assertEquals(Outcome.UNKNOWN_PARTICIPANT.code(),
        ((TryReply) tryAnswer.message()).getOutcome());
    assertTrue(leader.isOpen());
  }

  @Test
  void aMessageTheEndpointDoesNotServeIsRefusedOnTheSameConnection() throws Exception {
    Envelope answer = leader.send(BeginRequest.newBuilder().setXid("x").setTimeoutMs(1).build())
        .get(10, TimeUnit.SECONDS);
    assertEquals(MessageType.ERROR_REPLY, answer.type());
    assertEquals(Outcome.INVALID_ARGUMENT.code(), ((ErrorReply) answer.message()).getOutcome());
    assertTrue(leader.isOpen());
  }

  @Test
  void garbageClosesOnlyItsOwnConnection() throws Exception {
    tryAll(1);
    try (TestLeader other = new TestLeader(endpoint.address())) {
      Envelope error = other.sendGarbageAndAwaitClose(new byte[] {-1, -1, -1, -1, 1, 2, 3});
      assertEquals(MessageType.ERROR_REPLY, error.type());
      assertEquals(Outcome.FRAME_TOO_LARGE.code(), ((ErrorReply) error.message()).getOutcome());
    }
    assertEquals(Outcome.OK, Outcome.fromCode(leader.call(Calls.confirm(P, 1, 1, "x1"))
        .getOutcome()), "the other connection carries on");
  }

  @Test
  void resourcesRunOnNamedWorkerThreadsNeverOnTheEventLoop() throws Exception {
    tryAll(1);
    leader.call(Calls.confirm(P, 1, 1, "x1"));
    assertEquals(2, threads.size(), threads.toString());
    assertTrue(threads.get(0).startsWith(ParticipantEndpoint.TRY_THREAD_PREFIX + "-"),
        threads.get(0));
    assertTrue(threads.get(1).startsWith(HostedParticipant.PHASE2_THREAD_PREFIX + P + "-"),
        threads.get(1));
  }
}
