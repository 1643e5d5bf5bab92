package dev.sequent.client;

import static dev.sequent.client.FakeNode.Action.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.TxnReply;
import dev.sequent.protocol.wire.NettyLeakWatch;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What is retried (transient outcomes, broken connections) and what is the answer (the rest). */
@ExtendWith(NettyLeakWatch.class)
class RetryTest {
  @RegisterExtension final FakeCluster cluster = new FakeCluster();

  @ParameterizedTest
  @EnumSource(value = Outcome.class,
      names = {"UNAVAILABLE", "TIMEOUT", "OVERLOADED", "TOO_MANY_ACTIVE_TXNS"})
  void aTransientOutcomeIsRetriedOnTheSameNodeUntilItPasses(Outcome outcome) throws Exception {
    FakeNode node = cluster.node((request, nth) -> nth <= 3
        ? reply(nth % 2 == 0 ? Replies.txnReply(outcome, request) : Replies.error(outcome))
        : reply(Replies.ok(request)));
    TccClient client = cluster.client(node.address());

    TxnResult result = client.begin("x-t", 10_000, List.of()).get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, result.outcome());
    assertEquals(4, node.requests());
    assertEquals(3.0, cluster.retries("begin", outcome.name()));
    // Every attempt is a new request id, so a late reply can never answer a later attempt.
    assertEquals(4, node.received().stream().mapToLong(e -> e.requestId()).distinct().count());
  }

  @ParameterizedTest
  @EnumSource(value = Outcome.class, names = {"DECISION_CONFLICT", "XID_CONFLICT", "NOT_TRYING",
      "TXN_NOT_FOUND", "BRANCH_CONFLICT", "TOO_MANY_BRANCHES", "INTERNAL"})
  void aBusinessOutcomeIsTheAnswerWithoutRetry(Outcome outcome) throws Exception {
    FakeNode node = cluster.node((request, nth) -> reply(Replies.txnReply(outcome, request)));
    TccClient client = cluster.client(node.address());

    TxnResult result = client.cancel("x-b").get(5, TimeUnit.SECONDS);
    assertEquals(outcome, result.outcome());
    assertEquals("x-b", result.txn().xid());
    assertEquals(1, node.requests());
    assertEquals(1, cluster.finished("decide", outcome.name()));
  }

  @Test
  void aRefusalInAnErrorReplyIsTheAnswerToo() throws Exception {
    FakeNode node = cluster.node((request, nth) -> reply(Replies.error(Outcome.INVALID_ARGUMENT)));
    TccClient client = cluster.client(node.address());

    TxnResult result = client.registerBranch("x-e", Branch.of("b", "p")).get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.INVALID_ARGUMENT, result.outcome());
    assertNull(result.txn());
    assertEquals("fake INVALID_ARGUMENT", result.message());
    assertEquals(1, node.requests());
  }

  @Test
  void anOutcomeCodeFromANewerNodeIsInternalNotACrash() throws Exception {
    FakeNode node = cluster.node((request, nth) ->
        reply(TxnReply.newBuilder().setOutcome(77).build()));
    TccClient client = cluster.client(node.address());
    assertEquals(Outcome.INTERNAL, client.status("x").get(5, TimeUnit.SECONDS).outcome());
  }

  @Test
  void aConnectionClosedMidRequestIsRetriedOnTheNextNode() throws Exception {
    FakeNode closer = cluster.node((request, nth) -> FakeNode.Action.close());
    FakeNode good = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(closer.address(), good.address());

    assertEquals(Outcome.OK, client.begin("x-c", 1_000, List.of()).get(5, TimeUnit.SECONDS)
        .outcome());
    assertEquals(1, closer.requests());
    assertEquals(1, good.requests());
    assertEquals(1.0, cluster.retries("begin", "connection_closed"));
  }

  @Test
  void aClosedConnectionIsReopenedLazily() throws Exception {
    FakeNode node = cluster.node((request, nth) ->
        nth == 1 ? FakeNode.Action.close() : reply(Replies.ok(request)));
    TccClient client = cluster.client(node.address());

    assertEquals(Outcome.OK, client.status("x-r").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(2, node.requests());
    assertEquals(2, node.connections());
  }

  @Test
  void aSilentNodeTimesOutAndTheCallMovesOn() throws Exception {
    FakeNode silent = cluster.node((request, nth) -> FakeNode.Action.ignore());
    FakeNode good = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(cluster.clientBuilder(silent.address(), good.address())
        .requestTimeoutMs(200));

    assertEquals(Outcome.OK, client.status("x-s").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(1, silent.requests());
    assertEquals(1, good.requests());
    assertEquals(1.0, cluster.retries("status", "no_reply"));
  }

  @Test
  void aRefusedConnectionMovesToTheNextNode() throws Exception {
    InetSocketAddress dead = FakeCluster.deadAddress();
    FakeNode good = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(dead, good.address());

    assertEquals(Outcome.OK, client.status("x-d").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(1.0, cluster.retries("status", "connect_failed"));
  }

  @Test
  void theOperationTimeoutBoundsACallThatNeverSucceeds() throws Exception {
    FakeNode busy = cluster.node((request, nth) -> reply(Replies.error(Outcome.UNAVAILABLE)));
    TccClient client = cluster.client(cluster.clientBuilder(busy.address())
        .operationTimeoutMs(400));

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> client.begin("x-o", 1_000, List.of()).get(5, TimeUnit.SECONDS));
    TccClientException gaveUp = assertInstanceOf(TccClientException.class, failed.getCause());
    assertEquals(Outcome.UNAVAILABLE, gaveUp.lastOutcome());
    assertTrue(gaveUp.attemptsMade() >= 2, "made " + gaveUp.attemptsMade());
    assertEquals(gaveUp.attemptsMade(), busy.requests());
    assertTrue(gaveUp.attempts().get(0).contains("UNAVAILABLE"), gaveUp.attempts().get(0));
    assertTrue(gaveUp.getMessage().contains("operationTimeoutMs 400 elapsed"),
        gaveUp.getMessage());
    assertTrue(gaveUp.getMessage().contains("retrying with the same xid is safe"),
        gaveUp.getMessage());
    assertEquals(1, cluster.finished("begin", ClientMetrics.GAVE_UP));
  }

  @Test
  void whenNoNodeCanBeReachedTheExceptionSaysNothingWasApplied() throws Exception {
    TccClient client = cluster.client(cluster.clientBuilder(
        FakeCluster.deadAddress(), FakeCluster.deadAddress()).operationTimeoutMs(300));

    TccClientException gaveUp = assertThrows(TccClientException.class,
        () -> client.blocking().begin("x-n", 1_000, List.of()));
    assertNull(gaveUp.lastOutcome());
    assertTrue(gaveUp.getMessage().contains("reached no node"), gaveUp.getMessage());
  }

  @Test
  void anUnexpectedReplyTypeMovesTheCallOn() throws Exception {
    // A Phase2Ack is no answer to an initiator request: a broken node, so ask the next one.
    FakeNode odd = cluster.node((request, nth) ->
        reply(dev.sequent.protocol.proto.Phase2Ack.getDefaultInstance()));
    FakeNode good = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(odd.address(), good.address());

    assertEquals(Outcome.OK, client.status("x-p").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(1.0, cluster.retries("status", "bad_reply"));
  }

  @Test
  void aNodeSendingGarbageCostsOnlyThatAttempt() throws Exception {
    FakeNode garbage = cluster.node((request, nth) -> FakeNode.Action.garbage());
    FakeNode good = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(garbage.address(), good.address());

    assertEquals(Outcome.OK, client.status("x-g").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(1.0, cluster.retries("status", "connection_closed"));
  }

  @Test
  void aNotLeaderReplyWithABadHintIsTreatedAsNoHint() throws Exception {
    FakeNode follower = cluster.node((request, nth) -> reply(ErrorReply.newBuilder()
        .setOutcome(Outcome.NOT_LEADER.code())
        .setLeader(dev.sequent.protocol.proto.NodeAddress.newBuilder().setHost("").setPort(0))
        .build()));
    FakeNode leader = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(follower.address(), leader.address());

    assertEquals(Outcome.OK, client.status("x-h").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(0.0, cluster.redirects("status"));
  }
}
