package dev.sequent.coordinator.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.AdminClient;
import dev.sequent.client.AdminException;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TccClient;
import dev.sequent.client.TransactionResult;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.client.participant.TccResource;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.ListTxnsRequest;
import dev.sequent.protocol.proto.Member;
import dev.sequent.protocol.proto.ReplaceMemberRequest;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.storage.InMemoryStateStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin requests of the client port against a real three-node cluster: node status answered
 * locally by each node, pages of txns and of calls needing an operator (linearizable reads, any
 * node), resolve, snapshots, and the refusals (INVALID_ARGUMENT, NOT_LEADER with a hint).
 */
class AdminRequestsTest {
  /** A participant whose confirm always fails, so its calls end up needing an operator. */
  static final TccResource CONFIRM_FAILS = new TccResource() {
    @Override
    public void onTry(BranchContext branch) {}

    @Override
    public void onConfirm(BranchContext branch) {
      throw new IllegalStateException("this participant's confirm always fails");
    }

    @Override
    public void onCancel(BranchContext branch) {}
  };

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static TccClient client;
  static AdminClient admin;
  static ParticipantEndpoint endpoint;
  static RocksFenceStore fence;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("raft.electionTimeoutMinMs", "600");
    settings.put("raft.electionTimeoutMaxMs", "1200");
    settings.put("raft.requestTimeoutMs", "2000");
    settings.put("dispatch.attemptsMax", "2");
    settings.put("dispatch.backoffInitialMs", "20");
    settings.put("dispatch.backoffMaxMs", "200");
    cluster = new EmbeddedCluster(3, dir, settings).start();
    cluster.awaitLeader(30_000);
    fence = RocksFenceStore.over(InMemoryStateStore.create(RocksFenceStore.KEYSPACES));
    endpoint = ParticipantEndpoint.builder()
        .participant("stuck-a", CONFIRM_FAILS, fence)
        .participant("stuck-b", CONFIRM_FAILS, fence)
        .start();
    client = TccClient.builder().seeds(cluster.clientAddresses()).operationTimeoutMs(30_000)
        .participantEndpoint("stuck-a", endpoint.address())
        .participantEndpoint("stuck-b", endpoint.address())
        .build();
    for (String participant : List.of("stuck-a", "stuck-b")) {
      assertTrue(client.blocking().announceEndpoint(participant, "127.0.0.1",
          endpoint.address().getPort()).isOk());
    }
    admin = AdminClient.of(client);
  }

  @AfterAll
  static void stop() {
    client.close();
    endpoint.close();
    fence.close();
    cluster.close();
  }

  @Test
  void everyNodeAnswersForItselfAndAllAgreeOnTheLeader() throws Exception {
    List<AdminClient.NodeStatus> statuses = new ArrayList<>();
    for (CoordinatorNode node : cluster.runningNodes()) {
      AdminClient.NodeStatus status = admin.nodeStatus(node.clientAddress())
          .get(10, TimeUnit.SECONDS);
      assertEquals(node.id(), status.nodeId(), "the node that was asked answers");
      assertTrue(status.appliedIndex() >= 0 && status.commitIndex() >= status.appliedIndex(),
          status.toString());
      assertEquals(List.of("n1", "n2", "n3"),
          status.members().stream().map(AdminClient.Member::nodeId).toList());
      for (AdminClient.Member member : status.members()) {
        CoordinatorNode described = cluster.node(member.nodeId()).orElseThrow();
        assertEquals(described.config().self().raftPort(), member.raftPort());
        assertEquals(described.clientAddress().getPort(), member.clientPort());
      }
      statuses.add(status);
    }
    assertEquals(1, statuses.stream().filter(s -> s.role() == AdminClient.Role.LEADER).count(),
        statuses.toString());
    String leader = statuses.stream().filter(s -> s.role() == AdminClient.Role.LEADER)
        .findFirst().orElseThrow().nodeId();
    assertTrue(statuses.stream().allMatch(s -> leader.equals(s.leaderId())), statuses.toString());
    assertFalse(statuses.stream().anyMatch(AdminClient.NodeStatus::membershipChanging));
  }

  @Test
  void txnsArePagedInXidOrderWithAStateFilterOnAFollowerToo() throws Exception {
    for (int i = 1; i <= 5; i++) {
      assertTrue(client.blocking().begin("page-" + i, 60_000, List.of()).isOk());
    }
    assertTrue(client.blocking().confirm("page-2").isOk());
    assertTrue(client.blocking().confirm("page-4").isOk());

    List<String> all = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      AdminClient.TxnPage page = admin.listTxns(null, after, 2).get(10, TimeUnit.SECONDS);
      assertTrue(page.txns().size() <= 2, "a page holds at most its limit");
      page.txns().forEach(txn -> all.add(txn.xid()));
      after = page.nextAfterXid();
      pages++;
    } while (after != null && pages < 100);
    assertNull(after, "the listing ends");
    assertEquals(all.stream().sorted().distinct().toList(), all, "xid order, each once");
    assertTrue(all.containsAll(List.of("page-1", "page-2", "page-3", "page-4", "page-5")));

    try (TccClient followerOnly = TccClient.builder().seed(follower().clientAddress()).build()) {
      List<String> confirmed = AdminClient.of(followerOnly)
          .listTxns(TxnState.CONFIRMED, null, 0).get(10, TimeUnit.SECONDS)
          .txns().stream().map(TxnSnapshot::xid).filter(x -> x.startsWith("page-")).toList();
      assertEquals(List.of("page-2", "page-4"), confirmed);
    }
  }

  @Test
  void callsNeedingAnOperatorArePagedThenResolved() throws Exception {
    TransactionResult a = client.transaction(60_000)
        .branch("credit", "stuck-a", "1".getBytes(StandardCharsets.UTF_8))
        .execute().get(30, TimeUnit.SECONDS);
    TransactionResult b = client.transaction(60_000)
        .branch("credit", "stuck-b", "2".getBytes(StandardCharsets.UTF_8))
        .execute().get(30, TimeUnit.SECONDS);
    assertTrue(a.confirmed() && b.confirmed(), "both decided CONFIRM");
    awaitBranch(a.xid(), Phase2State.NEEDS_OPERATOR);
    awaitBranch(b.xid(), Phase2State.NEEDS_OPERATOR);

    AdminClient.OperatorCallPage first = admin.listNeedsOperator(null, 0, 1)
        .get(10, TimeUnit.SECONDS);
    assertEquals(1, first.calls().size());
    AdminClient.OperatorCall callA = first.calls().get(0);
    assertEquals("stuck-a", callA.participant());
    assertEquals(a.xid(), callA.xid());
    assertEquals("credit", callA.branchId());
    assertEquals(dev.sequent.client.Decision.CONFIRM, callA.decision());
    assertEquals("stuck-a", first.nextAfterParticipant());
    AdminClient.OperatorCallPage second = admin.listNeedsOperator(first.nextAfterParticipant(),
        first.nextAfterSeq(), 1).get(10, TimeUnit.SECONDS);
    assertEquals(List.of(b.xid()), second.calls().stream().map(c -> c.xid()).toList());

    for (AdminClient.OperatorCall call : admin.listNeedsOperator(null, 0, 0)
        .get(10, TimeUnit.SECONDS).calls()) {
      assertEquals(Outcome.OK, admin.resolve(call.participant(), call.seq())
          .get(10, TimeUnit.SECONDS).outcome());
    }
    assertEquals(TxnState.CONFIRMED, awaitState(a.xid(), TxnState.CONFIRMED));
    assertEquals(TxnState.CONFIRMED, awaitState(b.xid(), TxnState.CONFIRMED));
    AdminClient.OperatorCallPage none = admin.listNeedsOperator(null, 0, 0)
        .get(10, TimeUnit.SECONDS);
    assertTrue(none.calls().isEmpty(), none.toString());
    assertNull(none.nextAfterParticipant());
  }

  @Test
  void aSnapshotIsTakenByTheNodeAsked() throws Exception {
    assertTrue(client.blocking().begin("snap-1", 60_000, List.of()).isOk());
    CoordinatorNode follower = follower();
    AdminClient.Snapshot snapshot = admin.triggerSnapshot(follower.clientAddress(), 30_000)
        .get(40, TimeUnit.SECONDS);
    assertEquals(follower.id(), snapshot.nodeId());
    assertTrue(snapshot.index() > 0, snapshot.toString());
    assertEquals(snapshot.index(), admin.nodeStatus(follower.clientAddress())
        .get(10, TimeUnit.SECONDS).snapshotIndex());
  }

  @Test
  void nonsenseIsRefusedAsInvalidArgument() throws Exception {
    AdminException tooLarge = refusal(() -> admin.listTxns(null, null, 1_001)
        .get(10, TimeUnit.SECONDS));
    assertEquals(Outcome.INVALID_ARGUMENT, tooLarge.outcome());
    assertTrue(tooLarge.getMessage().contains("[1, 1000]"), tooLarge.getMessage());

    InetSocketAddress leader = cluster.awaitLeader(10_000).clientAddress();
    ErrorReply unknownState = error(RawAdmin.ask(leader,
        ListTxnsRequest.newBuilder().setStateValue(42).build()));
    assertEquals(Outcome.INVALID_ARGUMENT.code(), unknownState.getOutcome());
    ErrorReply noMember = error(RawAdmin.ask(leader,
        ReplaceMemberRequest.newBuilder().setOldNodeId("n3").build()));
    assertEquals(Outcome.INVALID_ARGUMENT.code(), noMember.getOutcome());

    String leaderId = cluster.awaitLeader(10_000).id();
    for (String[] replace : new String[][] {
        {"n9", "n4", "is not a member"},
        {"n3", "n2", "is already a member"},
        {leaderId, "n4", "is the leader"}}) {
      AdminException refused = refusal(() -> admin.replaceMember(replace[0],
          new AdminClient.Member(replace[1], "127.0.0.1", 1, 2), 10_000)
          .get(15, TimeUnit.SECONDS));
      assertEquals(Outcome.INVALID_ARGUMENT, refused.outcome());
      assertTrue(refused.getMessage().contains(replace[2]), refused.getMessage());
    }
  }

  @Test
  void aMembershipChangeAskedOfAFollowerNamesTheLeader() throws Exception {
    CoordinatorNode leader = cluster.awaitLeader(10_000);
    Envelope reply = RawAdmin.ask(follower().clientAddress(), ReplaceMemberRequest.newBuilder()
        .setOldNodeId("n3").setNewMember(Member.newBuilder().setNodeId("n4")
            .setHost("127.0.0.1").setRaftPort(1).setClientPort(2))
        .build());
    ErrorReply notLeader = error(reply);
    assertEquals(Outcome.NOT_LEADER.code(), notLeader.getOutcome());
    assertEquals(leader.id(), notLeader.getLeader().getNodeId());
    assertEquals(leader.clientAddress().getPort(), notLeader.getLeader().getPort());
  }

  // ------------------------------------------------------------------ helpers

  static CoordinatorNode follower() throws Exception {
    String leader = cluster.awaitLeader(10_000).id();
    return cluster.runningNodes().stream().filter(n -> !n.id().equals(leader)).findFirst()
        .orElseThrow();
  }

  static ErrorReply error(Envelope reply) {
    assertEquals(MessageType.ERROR_REPLY, reply.type(), reply.message().toString());
    return (ErrorReply) reply.message();
  }

  interface Call {
    void run() throws Exception;
  }

  static AdminException refusal(Call call) {
    ExecutionException failed = assertThrows(ExecutionException.class, call::run);
    return assertInstanceOf(AdminException.class, failed.getCause());
  }

  static void awaitBranch(String xid, Phase2State expected) throws InterruptedException {
    Phase2State state = null;
    for (int i = 0; i < 200; i++) { // bounded: 20 s
      state = client.blocking().status(xid).txn().branches().get(0).phase2State();
      if (state == expected) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertEquals(expected, state, xid);
  }

  static TxnState awaitState(String xid, TxnState expected) throws InterruptedException {
    TxnState state = null;
    for (int i = 0; i < 200; i++) { // bounded: 20 s
      state = client.blocking().status(xid).txn().state();
      if (state == expected) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return state;
  }
}
