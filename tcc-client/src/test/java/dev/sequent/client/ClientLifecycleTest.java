package dev.sequent.client;

import static dev.sequent.client.FakeNode.Action.reply;
import static dev.sequent.client.FakeNode.Action.replyAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.BranchPhase2State;
import dev.sequent.protocol.proto.BranchView;
import dev.sequent.protocol.proto.TxnReply;
import dev.sequent.protocol.proto.TxnView;
import dev.sequent.protocol.wire.NettyLeakWatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Threads, closing, blocking, pipelining, limits and the read model. */
@ExtendWith(NettyLeakWatch.class)
class ClientLifecycleTest {
  @RegisterExtension final FakeCluster cluster = new FakeCluster();

  @Test
  void callbacksRunOnCallbackThreadsNeverOnEventLoops() throws Exception {
    FakeNode node = cluster.node((request, nth) -> nth == 1
        ? replyAfter(Replies.ok(request), 200)
        : replyAfter(Replies.error(Outcome.UNAVAILABLE), 20));
    TccClient client = cluster.client(cluster.clientBuilder(node.address())
        .operationTimeoutMs(300));

    // Chained before the answer arrives, so it runs where the future is completed.
    String okThread = client.status("x").thenApply(r -> Thread.currentThread().getName())
        .get(5, TimeUnit.SECONDS);
    assertTrue(okThread.startsWith(TccClient.CALLBACK_THREAD_PREFIX + "-"), okThread);
    String failedThread = client.status("y")
        .handle((r, failure) -> Thread.currentThread().getName() + " " + failure)
        .get(5, TimeUnit.SECONDS);
    assertTrue(failedThread.startsWith(TccClient.CALLBACK_THREAD_PREFIX + "-"), failedThread);
    assertTrue(failedThread.contains("TccClientException"), failedThread);
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith(TccClient.IO_THREAD_PREFIX + "-")),
        "no event-loop thread named " + TccClient.IO_THREAD_PREFIX + "-N");
  }

  @Test
  void aHostNameSeedIsResolvedWhenConnecting() throws Exception {
    FakeNode node = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(cluster.clientBuilder()
        .seed("localhost", node.address().getPort()));
    assertEquals(Outcome.OK, client.status("x").get(5, TimeUnit.SECONDS).outcome());
  }

  @Test
  void aGivenCallbackExecutorIsUsed() throws Exception {
    FakeNode node = cluster.node((request, nth) -> replyAfter(Replies.ok(request), 100));
    ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "mine"));
    try {
      TccClient client = cluster.client(cluster.clientBuilder(node.address())
          .callbackExecutor(mine));
      String thread = client.status("x").thenApply(r -> Thread.currentThread().getName())
          .get(5, TimeUnit.SECONDS);
      assertEquals("mine", thread);
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void closeFailsCallsInFlightWithAClearException() throws Exception {
    FakeNode silent = cluster.node((request, nth) -> FakeNode.Action.ignore());
    TccClient client = cluster.client(cluster.clientBuilder(silent.address())
        .requestTimeoutMs(30_000).operationTimeoutMs(60_000));
    CompletableFuture<TxnResult> pending = client.begin("x-p", 1_000, List.of());
    FakeCluster.awaitTrue(() -> silent.requests() == 1, "the request to arrive");

    client.close();
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> pending.get(5, TimeUnit.SECONDS));
    TccClientException closed = assertInstanceOf(TccClientException.class, failed.getCause());
    assertTrue(closed.getMessage().contains("the client was closed"), closed.getMessage());
    assertTrue(closed.getMessage().contains("may have been applied"), closed.getMessage());

    client.close(); // idempotent
    TccClientException after = assertThrows(TccClientException.class,
        () -> client.blocking().status("x"));
    assertTrue(after.getMessage().contains("closed"), after.getMessage());
  }

  @Test
  void blockingCallsWorkOnPlainThreadsAndAreRefusedOnEventLoops() throws Exception {
    FakeNode node = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(node.address());
    assertEquals(Outcome.OK, client.blocking().confirm("x").outcome());

    // Any Netty event loop, not only the client's own.
    io.netty.util.concurrent.Future<TxnResult> onLoop =
        cluster.serverGroup.submit(() -> client.blocking().status("x"));
    assertTrue(onLoop.await(5, TimeUnit.SECONDS));
    IllegalStateException refused = assertInstanceOf(IllegalStateException.class, onLoop.cause());
    assertTrue(refused.getMessage().contains("event-loop thread"), refused.getMessage());
    assertEquals(1, node.requests(), "the refused call must not be sent");
  }

  @Test
  void manyPipelinedCallsOnOneConnectionGetTheirOwnReplies() throws Exception {
    // Replies come back in a shuffled order; request ids pair them up.
    FakeNode node = cluster.node((request, nth) ->
        replyAfter(Replies.ok(request), 1 + ThreadLocalRandom.current().nextInt(40)));
    TccClient client = cluster.client(node.address());

    List<CompletableFuture<TxnResult>> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(client.status("x-" + i));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertEquals("x-" + i, calls.get(i).get(5, TimeUnit.SECONDS).txn().xid());
    }
    assertEquals(1, node.connections(), "one connection per node, reused");
    Set<Long> ids = new HashSet<>();
    node.received().forEach(request -> assertTrue(ids.add(request.requestId())));
  }

  @Test
  void aRequestOverTheFrameLimitIsRefusedWithoutSending() throws Exception {
    FakeNode node = cluster.node((request, nth) -> reply(Replies.ok(request)));
    TccClient client = cluster.client(cluster.clientBuilder(node.address()).frameBytesMax(1024));

    TxnResult result = client.begin("x", 1_000, List.of(new Branch("b", "p", new byte[2000])))
        .get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.FRAME_TOO_LARGE, result.outcome());
    assertTrue(result.message().contains("frameBytesMax 1024"), result.message());
    assertEquals(0, node.requests());
  }

  @Test
  void theRequestCarriesWhatTheCallerGaveAndTheReplyMapsToTheReadModel() throws Exception {
    TxnView view = TxnView.newBuilder().setXid("x-m")
        .setState(dev.sequent.protocol.proto.TxnState.CANCELLING)
        .setBeganAtMs(1_000).setDeadlineMs(31_000).setExpired(true)
        .addBranches(BranchView.newBuilder().setBranchId("b1").setParticipant("accounts")
            .setSeq(12).setPhase2State(BranchPhase2State.PENDING).setPayloadBytes(3))
        .build();
    FakeNode node = cluster.node((request, nth) ->
        reply(TxnReply.newBuilder().setOutcome(0).setTxn(view).setMessage("fine").build()));
    TccClient client = cluster.client(node.address());

    TxnResult result = client.begin("x-m", 30_000,
        List.of(new Branch("b1", "accounts", new byte[] {1, 2, 3}))).get(5, TimeUnit.SECONDS);
    BeginRequest sent = (BeginRequest) node.received().get(0).message();
    assertEquals("x-m", sent.getXid());
    assertEquals(30_000, sent.getTimeoutMs());
    assertEquals("accounts", sent.getBranches(0).getParticipant());
    assertEquals(3, sent.getBranches(0).getPayload().size());

    assertTrue(result.isOk());
    assertEquals("fine", result.message());
    TxnSnapshot txn = result.txn();
    assertEquals(new TxnSnapshot("x-m", TxnState.CANCELLING, 1_000, 31_000,
        List.of(new BranchSnapshot("b1", "accounts", 12, Phase2State.PENDING, 3)), true), txn);
  }

  @Test
  void cancellingTheFutureStopsTheRetries() throws Exception {
    FakeNode busy = cluster.node((request, nth) -> reply(Replies.error(Outcome.OVERLOADED)));
    TccClient client = cluster.client(cluster.clientBuilder(busy.address())
        .operationTimeoutMs(60_000).backoff(20, 20, RetryJitter.NONE));
    CompletableFuture<TxnResult> call = client.status("x");
    FakeCluster.awaitTrue(() -> busy.requests() >= 2, "a retry");
    assertTrue(call.cancel(false));
    Thread.sleep(100); // an attempt already out may still land
    int settled = busy.requests();
    Thread.sleep(200);
    assertEquals(settled, busy.requests(), "retries went on after the caller cancelled");
  }

  @Test
  void invalidSettingsAndArgumentsAreRefusedAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> TccClient.builder().build());
    TccClient.Builder builder = cluster.clientBuilder(FakeCluster.deadAddressUnchecked());
    assertThrows(IllegalArgumentException.class, () -> builder.requestTimeoutMs(0).build());
    builder.requestTimeoutMs(100);
    assertThrows(IllegalArgumentException.class,
        () -> builder.backoff(50, 10, RetryJitter.EQUAL).build());
    builder.backoff(10, 50, RetryJitter.EQUAL);
    assertThrows(IllegalArgumentException.class, () -> builder.frameBytesMax(5).build());
    builder.frameBytesMax(4096);
    assertThrows(IllegalArgumentException.class, () -> builder.redirectsMax(-1).build());
    builder.redirectsMax(1);

    TccClient client = cluster.client(builder);
    assertThrows(IllegalArgumentException.class, () -> client.status(" "));
    assertThrows(NullPointerException.class, () -> client.decide("x", null));
    assertThrows(IllegalArgumentException.class, () -> client.begin("x", 0, List.of()));
    assertThrows(IllegalArgumentException.class, () -> Branch.of("", "p"));
  }

  @Test
  void newXidsAreUnique() {
    Set<String> xids = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      assertTrue(xids.add(TccClient.newXid()));
    }
    assertNotEquals(TccClient.newXid(), TccClient.newXid());
    assertFalse(TccClient.newXid().isBlank());
  }
}
