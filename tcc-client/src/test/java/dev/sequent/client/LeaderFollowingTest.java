package dev.sequent.client;

import static dev.sequent.client.FakeNode.Action.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.wire.NettyLeakWatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the client finds the leader: hints, their cap, and round-robin when there is no hint. */
@ExtendWith(NettyLeakWatch.class)
class LeaderFollowingTest {
  @RegisterExtension final FakeCluster cluster = new FakeCluster();

  @Test
  void aNotLeaderHintIsFollowedAndRemembered() throws Exception {
    FakeNode leader = cluster.node((request, nth) -> reply(Replies.ok(request)));
    FakeNode follower = cluster.node((request, nth) -> reply(Replies.notLeader(leader.address())));
    TccClient client = cluster.client(follower.address());

    TxnResult first = client.begin("x-1", 10_000, List.of(Branch.of("b", "p")))
        .get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, first.outcome());
    assertEquals("x-1", first.txn().xid());
    assertEquals(1, follower.requests());
    assertEquals(1, leader.requests());
    assertEquals(1.0, cluster.redirects("begin"));

    // The next call goes straight to the leader it learned.
    assertEquals(Outcome.OK, client.status("x-1").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(1, follower.requests());
    assertEquals(2, leader.requests());
  }

  @Test
  void aRedirectLoopIsCappedAndEndsWithTheReasons() throws Exception {
    FakeNode a = cluster.node((request, nth) -> FakeNode.Action.ignore());
    FakeNode b = cluster.node((request, nth) -> reply(Replies.notLeader(a.address())));
    a.script((request, nth) -> reply(Replies.notLeader(b.address())));
    TccClient client = cluster.client(cluster.clientBuilder(a.address())
        .redirectsMax(2).operationTimeoutMs(600));

    CompletableFuture<TxnResult> call = client.begin("x-loop", 10_000, List.of());
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> call.get(5, TimeUnit.SECONDS));
    TccClientException gaveUp = assertInstanceOf(TccClientException.class, failed.getCause());
    assertEquals(Outcome.NOT_LEADER, gaveUp.lastOutcome());
    assertEquals(2.0, cluster.redirects("begin"), "redirects beyond redirectsMax were followed");
    assertTrue(gaveUp.attempts().stream().anyMatch(line -> line.contains("redirect limit 2")),
        String.join("\n", gaveUp.attempts()));
    assertTrue(gaveUp.attemptsMade() > 3, "it kept trying, with backoff, until the timeout");
    assertTrue(gaveUp.getMessage().contains("operationTimeoutMs 600 elapsed"),
        gaveUp.getMessage());
    assertTrue(gaveUp.getMessage().contains("may have been applied"), gaveUp.getMessage());
  }

  @Test
  void notLeaderWithoutAHintTriesTheNextNode() throws Exception {
    FakeNode follower = cluster.node((request, nth) -> reply(Replies.error(Outcome.NOT_LEADER)));
    FakeNode leader = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(follower.address(), leader.address());

    assertEquals(Outcome.OK, client.confirm("x-2").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(1, follower.requests());
    assertEquals(1, leader.requests());
    assertEquals(1.0, cluster.retries("decide", "NOT_LEADER"));
    assertEquals(NodeDirectory.normalize(leader.address()), client.leaderGuess());
  }

  @Test
  void shuttingDownSendsTheCallToAnotherNode() throws Exception {
    FakeNode leaving = cluster.node((request, nth) -> reply(Replies.error(Outcome.SHUTTING_DOWN)));
    FakeNode staying = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(leaving.address(), staying.address());

    assertEquals(Outcome.OK, client.status("x-3").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(1, leaving.requests());
    assertEquals(1, staying.requests());
  }

  @Test
  void aHintNamingTheRefusingNodeItselfIsNotFollowed() throws Exception {
    FakeNode confused = cluster.node((request, nth) -> FakeNode.Action.ignore());
    confused.script((request, nth) -> reply(Replies.notLeader(confused.address())));
    FakeNode leader = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(confused.address(), leader.address());

    assertEquals(Outcome.OK, client.status("x-4").get(5, TimeUnit.SECONDS).outcome());
    assertEquals(0.0, cluster.redirects("status"));
    assertEquals(1, confused.requests());
  }
}
