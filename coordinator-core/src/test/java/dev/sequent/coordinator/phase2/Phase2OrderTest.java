package dev.sequent.coordinator.phase2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.TransactionResult;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.client.participant.FenceState;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Decision;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many concurrent txns touch the same two participants; each participant's applied log must equal
 * the cluster's decision order for it, exactly, once per call, while faults hit the stream: the
 * pinned connection is cut, the leader is killed, the participant restarts, and a deposed leader's
 * late call arrives after the new leader's.
 */
class Phase2OrderTest {
  static final List<String> PARTICIPANTS = List.of("ledger-x", "ledger-y");
  static final int TXNS = 120;
  static final int CONCURRENCY = 12;

  @TempDir Path dir;

  /** A fault injected once a third of the txns have been started. */
  interface Fault {
    void inject(Phase2Cluster env) throws Exception;
  }

  /** Runs the workload with the fault in the middle and returns every xid. */
  static List<String> runWorkload(Phase2Cluster env, Fault fault) throws Exception {
    List<String> xids = new CopyOnWriteArrayList<>();
    List<CompletableFuture<TransactionResult>> running = new ArrayList<>();
    AtomicInteger started = new AtomicInteger();
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(CONCURRENCY);
    for (int i = 0; i < TXNS; i++) {
      if (i == TXNS / 3) {
        fault.inject(env);
      }
      window.acquire();
      started.incrementAndGet();
      // Every fifth txn fails its try on ledger-y, so cancels interleave with confirms.
      String yPayload = i % 5 == 0 ? "fail" : "+1";
      var txn = env.client.transaction(120_000)
          .branch("x", "ledger-x", "-1".getBytes(StandardCharsets.UTF_8))
          .branch("y", "ledger-y", yPayload.getBytes(StandardCharsets.UTF_8));
      xids.add(txn.xid());
      running.add(txn.execute().whenComplete((r, e) -> window.release()));
    }
    for (CompletableFuture<TransactionResult> f : running) {
      TransactionResult result = f.get(120, TimeUnit.SECONDS);
      assertNotNull(result.decided(), "every txn was decided: " + result);
    }
    return xids;
  }

  static void assertEverythingAppliedInOrder(Phase2Cluster env, List<String> xids)
      throws Exception {
    for (String xid : xids) {
      TxnSnapshot txn = env.awaitFinal(xid, 60_000);
      assertTrue(txn.state() == TxnState.CONFIRMED || txn.state() == TxnState.CANCELLED,
          xid + " did not finish: " + txn);
    }
    for (String participant : PARTICIPANTS) {
      env.assertAppliedInDecisionOrder(participant, xids);
    }
    // All or nothing: within a txn, both participants' fences hold the same decision.
    for (String xid : xids) {
      List<String> outcomes = new ArrayList<>();
      for (String participant : PARTICIPANTS) {
        String branch = participant.equals("ledger-x") ? "x" : "y";
        FenceState state = env.ledgers.get(participant).fence.branch(participant, xid, branch)
            .orElseThrow(() -> new AssertionError(xid + " has no fence row at " + participant))
            .state();
        outcomes.add(state == FenceState.CONFIRMED ? "CONFIRMED"
            : state == FenceState.CANCELLED || state == FenceState.CANCELLED_EMPTY
                ? "CANCELLED" : state.name());
      }
      assertEquals(outcomes.get(0), outcomes.get(1), xid + " is mixed: " + outcomes);
    }
    assertTrue(env.cluster.fatalErrors().isEmpty(), "fatal " + env.cluster.fatalErrors());
  }

  @Test
  void orderHoldsWhenThePinnedConnectionIsCutMidStream() throws Exception {
    try (Phase2Cluster env = new Phase2Cluster(dir, Map.of(), "ledger-x", "ledger-y")) {
      List<String> xids = runWorkload(env, e -> {
        for (int cut = 0; cut < 3; cut++) {
          e.proxies.values().forEach(CuttableProxy::cutAll);
          TimeUnit.MILLISECONDS.sleep(150);
        }
      });
      assertEverythingAppliedInOrder(env, xids);
      assertTrue(env.proxies.get("ledger-x").acceptedConnections() > 1,
          "the dispatcher reconnected after the cuts");
    }
  }

  @Test
  void orderHoldsWhenTheLeaderIsKilledAndADeposedLeadersLateCallIsRefused() throws Exception {
    try (Phase2Cluster env = new Phase2Cluster(dir, Map.of(), "ledger-x", "ledger-y")) {
      long[] oldTerm = new long[1];
      List<String> xids = runWorkload(env, e -> {
        CoordinatorNode leader = e.cluster.awaitLeader(30_000);
        oldTerm[0] = leader.raft().currentTerm();
        e.cluster.stop(leader.id());
        CoordinatorNode next = e.cluster.awaitLeader(30_000);
        assertNotEquals(leader.id(), next.id());
      });
      assertEverythingAppliedInOrder(env, xids);

      // A call the deposed leader sent before it died, arriving only now, after the new leader's
      // calls: the participant has seen the newer term and refuses it, and applies nothing.
      int appliedBefore = env.ledgers.get("ledger-x").phaseTwo().size();
      Phase2Call late = Phase2Call.newBuilder().setParticipant("ledger-x")
          .setSeq(appliedBefore + 1).setTerm(oldTerm[0]).setXid("late-xid")
          .setBranchId("x").setDecision(Decision.CONFIRM).build();
      Phase2Ack ack = sendRaw(env.endpoints.get("ledger-x").address(), late);
      assertEquals(Outcome.STALE_TERM.code(), ack.getOutcome(), ack.getMessage());
      assertEquals(appliedBefore, env.ledgers.get("ledger-x").phaseTwo().size());
    }
  }

  @Test
  void orderHoldsWhenTheParticipantRestarts() throws Exception {
    try (Phase2Cluster env = new Phase2Cluster(dir, Map.of(), "ledger-x", "ledger-y")) {
      List<String> xids = runWorkload(env, e -> {
        e.stopEndpoint("ledger-x");
        TimeUnit.MILLISECONDS.sleep(300);
        e.startEndpoint("ledger-x", 0); // same port, same fence and ledger database
      });
      assertEverythingAppliedInOrder(env, xids);
    }
  }

  /** Sends one phase-2 call on a fresh socket, as a (deposed) leader would, and reads its ack. */
  static Phase2Ack sendRaw(InetSocketAddress endpoint, Phase2Call call) throws Exception {
    byte[] body = call.toByteArray();
    byte[] frame = ByteBuffer.allocate(14 + body.length).putInt(10 + body.length)
        .put((byte) 1).put((byte) 7).putLong(1).put(body).array();
    try (Socket socket = new Socket(endpoint.getAddress(), endpoint.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(frame);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] rest = new byte[in.readInt()];
      in.readFully(rest);
      assertEquals(8, rest[1], "the answer is a Phase2Ack");
      return Phase2Ack.parseFrom(ByteBuffer.wrap(rest, 10, rest.length - 10));
    }
  }
}
