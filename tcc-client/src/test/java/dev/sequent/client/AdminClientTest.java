package dev.sequent.client;

import static dev.sequent.client.FakeNode.Action.reply;
import static dev.sequent.client.FakeNode.Action.replyAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ListTxnsRequest;
import dev.sequent.protocol.proto.Member;
import dev.sequent.protocol.proto.MembershipReply;
import dev.sequent.protocol.proto.NodeRole;
import dev.sequent.protocol.proto.NodeStatusReply;
import dev.sequent.protocol.proto.OperatorCall;
import dev.sequent.protocol.proto.OperatorCallsReply;
import dev.sequent.protocol.proto.ReplaceMemberRequest;
import dev.sequent.protocol.proto.TxnPageReply;
import dev.sequent.protocol.proto.TxnView;
import dev.sequent.protocol.wire.NettyLeakWatch;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's client against scripted nodes: one-node calls ask exactly that node once,
 * cluster calls follow the leader and retry, refusals are {@link AdminException}s, and replies map
 * to the public records.
 */
@ExtendWith(NettyLeakWatch.class)
class AdminClientTest {
  @RegisterExtension final FakeCluster cluster = new FakeCluster();

  @Test
  void nodeStatusAsksExactlyThatNodeOnce() throws Exception {
    FakeNode other = cluster.node((request, nth) -> reply(Replies.error(Outcome.INTERNAL)));
    FakeNode asked = cluster.node((request, nth) -> reply(NodeStatusReply.newBuilder()
        .setOutcome(Outcome.OK.code()).setNodeId("n2").setRole(NodeRole.FOLLOWER)
        .setLeaderId("n1").setTerm(3).setAppliedIndex(41).setCommitIndex(42)
        .setLogStartIndex(0).setSnapshotIndex(-1)
        .addMembers(Member.newBuilder().setNodeId("n1").setHost("h1").setRaftPort(7001)
            .setClientPort(9001))
        .build()));
    AdminClient admin = AdminClient.of(cluster.client(other.address(), asked.address()));

    AdminClient.NodeStatus status = admin.nodeStatus(asked.address()).get(5, TimeUnit.SECONDS);
    assertEquals(new AdminClient.NodeStatus("n2", AdminClient.Role.FOLLOWER, "n1", 3, 41, 42, 0,
        -1, List.of(new AdminClient.Member("n1", "h1", 7001, 9001)), false, false), status);
    assertEquals(1, asked.requests());
    assertEquals(MessageType.NODE_STATUS_REQUEST, asked.received().get(0).type());
    assertEquals(0, other.requests(), "a one-node call never goes elsewhere");
  }

  @Test
  void aNodeThatCannotBeReachedFailsOnceAndNamesItsAddress() throws Exception {
    InetSocketAddress dead = FakeCluster.deadAddress();
    AdminClient admin = AdminClient.of(cluster.client(dead));

    long startNs = System.nanoTime();
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> admin.nodeStatus(dead).get(5, TimeUnit.SECONDS));
    TccClientException gaveUp = assertInstanceOf(TccClientException.class, failed.getCause());
    assertTrue(gaveUp.getMessage().contains("127.0.0.1:" + dead.getPort()), gaveUp.getMessage());
    assertEquals(1, gaveUp.attemptsMade());
    assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(3),
        "no retries within the operation timeout");
  }

  @Test
  void aRefusalIsAnAdminExceptionWithTheNodesWords() throws Exception {
    FakeNode node = cluster.node((request, nth) -> reply(dev.sequent.protocol.proto.ErrorReply
        .newBuilder().setOutcome(Outcome.INVALID_ARGUMENT.code())
        .setMessage("limit must be in [1, 1000]").build()));
    AdminClient admin = AdminClient.of(cluster.client(node.address()));

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> admin.listTxns(null, null, 5_000).get(5, TimeUnit.SECONDS));
    AdminException refused = assertInstanceOf(AdminException.class, failed.getCause());
    assertEquals(Outcome.INVALID_ARGUMENT, refused.outcome());
    assertEquals("limit must be in [1, 1000]", refused.getMessage());
    assertEquals(1, node.requests(), "a refusal is final, not retried");
  }

  @Test
  void listTxnsSendsTheFilterAndMapsThePage() throws Exception {
    FakeNode node = cluster.node((request, nth) -> reply(TxnPageReply.newBuilder()
        .setOutcome(Outcome.OK.code())
        .addTxns(TxnView.newBuilder().setXid("x-1")
            .setState(dev.sequent.protocol.proto.TxnState.CONFIRMING))
        .setNextAfterXid(nth == 1 ? "x-1" : "").build()));
    AdminClient admin = AdminClient.of(cluster.client(node.address()));

    AdminClient.TxnPage first = admin.listTxns(TxnState.CONFIRMING, null, 1)
        .get(5, TimeUnit.SECONDS);
    assertEquals("x-1", first.txns().get(0).xid());
    assertEquals(TxnState.CONFIRMING, first.txns().get(0).state());
    assertEquals("x-1", first.nextAfterXid());
    ListTxnsRequest sent = (ListTxnsRequest) node.received().get(0).message();
    assertEquals(dev.sequent.protocol.proto.TxnState.CONFIRMING, sent.getState());
    assertEquals(1, sent.getLimit());

    AdminClient.TxnPage last = admin.listTxns(null, first.nextAfterXid(), 1)
        .get(5, TimeUnit.SECONDS);
    assertNull(last.nextAfterXid(), "an empty token ends the listing");
    assertEquals("x-1", ((ListTxnsRequest) node.received().get(1).message()).getAfterXid());
  }

  @Test
  void callsNeedingAnOperatorMapToTheirResolveKeys() throws Exception {
    FakeNode node = cluster.node((request, nth) -> reply(OperatorCallsReply.newBuilder()
        .setOutcome(Outcome.OK.code())
        .addCalls(OperatorCall.newBuilder().setParticipant("accounts").setSeq(7).setXid("x-7")
            .setBranchId("b").setDecision(dev.sequent.protocol.proto.Decision.CANCEL))
        .build()));
    AdminClient admin = AdminClient.of(cluster.client(node.address()));

    AdminClient.OperatorCallPage page = admin.listNeedsOperator(null, 0, 0)
        .get(5, TimeUnit.SECONDS);
    assertEquals(List.of(new AdminClient.OperatorCall("accounts", 7, "x-7", "b",
        Decision.CANCEL)), page.calls());
    assertNull(page.nextAfterParticipant());
  }

  @Test
  void replaceFollowsTheLeaderRetriesTransientRefusalsAndWaitsLongerThanAnAttempt()
      throws Exception {
    MembershipReply done = MembershipReply.newBuilder().setOutcome(Outcome.OK.code())
        .addMembers(Member.newBuilder().setNodeId("n1").setHost("h").setRaftPort(1)
            .setClientPort(2))
        .addMembers(Member.newBuilder().setNodeId("n4").setHost("h").setRaftPort(3)
            .setClientPort(4))
        .build();
    // The leader first says another change is running, then answers after longer than the
    // client's request timeout (1 s): the new member takes its time to catch up.
    FakeNode leader = cluster.node((request, nth) -> nth == 1
        ? reply(Replies.error(Outcome.UNAVAILABLE))
        : replyAfter(done, 1_500));
    FakeNode follower = cluster.node((request, nth) -> reply(Replies.notLeader(leader.address())));
    AdminClient admin = AdminClient.of(cluster.client(follower.address()));

    CompletableFuture<List<AdminClient.Member>> replaced = admin.replaceMember("n3",
        new AdminClient.Member("n4", "h", 3, 4), 10_000);
    assertEquals(List.of(new AdminClient.Member("n1", "h", 1, 2),
        new AdminClient.Member("n4", "h", 3, 4)), replaced.get(15, TimeUnit.SECONDS));
    assertEquals(2, leader.requests());
    ReplaceMemberRequest sent = (ReplaceMemberRequest) leader.received().get(0).message();
    assertEquals("n3", sent.getOldNodeId());
    assertEquals("n4", sent.getNewMember().getNodeId());
    assertEquals(3, sent.getNewMember().getRaftPort());
    assertEquals(4, sent.getNewMember().getClientPort());
  }
}
