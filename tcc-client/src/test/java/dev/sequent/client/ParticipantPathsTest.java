package dev.sequent.client;

import static dev.sequent.client.FakeNode.Action.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.FenceState;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.client.participant.TccResource;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.AnnounceEndpointRequest;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.DecideRequest;
import dev.sequent.protocol.proto.OperatorResolveRequest;
import dev.sequent.protocol.proto.RegisterBranchRequest;
import dev.sequent.protocol.proto.SimpleReply;
import dev.sequent.protocol.proto.TryReply;
import dev.sequent.protocol.proto.TxnReply;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.NettyLeakWatch;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The initiator's and the participant's paths to one fence: tryBranch and TccTransaction against
 * real participant endpoints, registerAndTry ("the xid in a header") and the announce / resolve
 * calls against fake coordinator nodes that speak the real protocol.
 */
@ExtendWith(NettyLeakWatch.class)
class ParticipantPathsTest {
  @RegisterExtension final FakeCluster cluster = new FakeCluster();
  @TempDir Path dir;

  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Records the branches it tried, and fails the tries of branch ids starting with "fail". */
  static final class Ledger implements TccResource {
    final List<String> tried = new CopyOnWriteArrayList<>();

    @Override
    public void onTry(BranchContext branch) {
      if (branch.branchId().startsWith("fail")) {
        throw new IllegalStateException("insufficient funds");
      }
      tried.add(branch.xid() + "/" + branch.branchId() + ":"
          + new String(branch.payload(), StandardCharsets.UTF_8));
    }

    @Override
    public void onConfirm(BranchContext branch) {}

    @Override
    public void onCancel(BranchContext branch) {}
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private RocksFenceStore fence(String name) {
    RocksFenceStore store = RocksFenceStore.open(dir.resolve(name));
    closeables.add(store);
    return store;
  }

  private ParticipantEndpoint endpoint(ParticipantEndpoint.Builder builder)
      throws InterruptedException {
    ParticipantEndpoint endpoint = builder.start();
    closeables.add(endpoint);
    return endpoint;
  }

  private static SimpleReply simple(Outcome outcome) {
    return SimpleReply.newBuilder().setOutcome(outcome.code()).build();
  }

  private static Branch branch(String id, String participant, String payload) {
    return new Branch(id, participant, payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void tryBranchReachesARealEndpointAndItsFence() throws Exception {
    Ledger ledger = new Ledger();
    RocksFenceStore store = fence("a");
    ParticipantEndpoint endpoint = endpoint(ParticipantEndpoint.builder()
        .participant("accounts", ledger, store));
    TccClient client = cluster.client(FakeCluster.deadAddress());

    TryResult ok = client.tryBranch(endpoint.address(), "x1", branch("debit", "accounts", "7"))
        .get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, ok.outcome());
    assertEquals(Outcome.OK, client.tryBranch(endpoint.address(), "x1",
        branch("debit", "accounts", "7")).get(5, TimeUnit.SECONDS).outcome());
    assertEquals(List.of("x1/debit:7"), ledger.tried, "a duplicate try does not run again");
    assertEquals(FenceState.TRIED, store.branch("accounts", "x1", "debit").orElseThrow().state());

    TryResult failed = client.tryBranch(endpoint.address(), "x1",
        branch("fail-1", "accounts", "")).get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.TRY_FAILED, failed.outcome());
    assertTrue(failed.message().contains("insufficient funds"), failed.message());
    assertEquals(Outcome.UNKNOWN_PARTICIPANT, client.tryBranch(endpoint.address(), "x1",
        branch("b", "nobody", "")).get(5, TimeUnit.SECONDS).outcome());
  }

  @Test
  void tryBranchRetriesTransientAnswersAndGivesUpAfterItsAttemptLimit() throws Exception {
    FakeNode busy = cluster.node((request, nth) -> reply(TryReply.newBuilder()
        .setOutcome(nth <= 2 ? Outcome.OVERLOADED.code() : Outcome.OK.code()).build()));
    TccClient client = cluster.client(cluster.clientBuilder(busy.address()).tryAttemptsMax(3));
    assertEquals(Outcome.OK, client.tryBranch(busy.address(), "x", Branch.of("b", "p"))
        .get(5, TimeUnit.SECONDS).outcome());
    assertEquals(3, busy.requests());
    assertEquals(MessageType.TRY_REQUEST, busy.received().get(0).type());

    InetSocketAddress dead = FakeCluster.deadAddress();
    ExecutionException gaveUp = assertThrows(ExecutionException.class,
        () -> client.tryBranch(dead, "x", Branch.of("b", "p")).get(5, TimeUnit.SECONDS));
    TccClientException why = assertInstanceOf(TccClientException.class, gaveUp.getCause());
    assertEquals(3, why.attemptsMade());
    assertTrue(why.getMessage().contains("tryAttemptsMax 3"), why.getMessage());
  }

  @Test
  void announceAndResolveFollowTheLeaderAndReadTheirReplies() throws Exception {
    FakeNode leader = cluster.node((request, nth) -> {
      if (request.type() == MessageType.ANNOUNCE_ENDPOINT_REQUEST) {
        return reply(simple(nth == 1 ? Outcome.UNAVAILABLE : Outcome.OK));
      }
      return reply(TxnReply.newBuilder().setOutcome(Outcome.PHASE2_CALL_NOT_FOUND.code())
          .setMessage("no seq 9").build());
    });
    FakeNode follower = cluster.node((request, nth) -> reply(Replies.notLeader(leader.address())));
    TccClient client = cluster.client(follower.address());

    TxnResult announced = client.announceEndpoint("accounts", "10.0.0.5", 7100)
        .get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, announced.outcome(), "UNAVAILABLE was retried");
    assertNull(announced.txn());
    AnnounceEndpointRequest sent = (AnnounceEndpointRequest) leader.received().get(0).message();
    assertEquals("accounts", sent.getParticipant());
    assertEquals("10.0.0.5", sent.getHost());
    assertEquals(7100, sent.getPort());

    TxnResult resolved = client.blocking().resolve("accounts", 9);
    assertEquals(Outcome.PHASE2_CALL_NOT_FOUND, resolved.outcome());
    OperatorResolveRequest resolve = (OperatorResolveRequest) leader.received().get(2).message();
    assertEquals(9, resolve.getSeq());
    assertEquals(1, follower.requests(), "the leader was remembered after the first redirect");
    assertThrows(IllegalArgumentException.class, () -> client.resolve("accounts", 0));
  }

  @Test
  void anEndpointAnnouncesItselfOnStartAndAgainPeriodically() throws Exception {
    FakeNode coordinator = cluster.node((request, nth) -> reply(simple(Outcome.OK)));
    TccClient client = cluster.client(coordinator.address());
    ParticipantEndpoint endpoint = endpoint(ParticipantEndpoint.builder()
        .participant("accounts", new Ledger(), fence("a"))
        .participant("ledger", new Ledger(), fence("b"))
        .client(client)
        .announceIntervalMs(50));

    FakeCluster.awaitTrue(() -> coordinator.requests() >= 6, "three rounds of announcements");
    List<String> announced = coordinator.received().stream()
        .map(envelope -> (AnnounceEndpointRequest) envelope.message())
        .map(a -> a.getParticipant() + "@" + a.getHost() + ":" + a.getPort())
        .distinct().sorted().collect(Collectors.toList());
    int port = endpoint.address().getPort();
    assertEquals(List.of("accounts@127.0.0.1:" + port, "ledger@127.0.0.1:" + port), announced);
  }

  @Test
  void registerAndTryRegistersTheBranchThenRunsTheSameFencedTry() throws Exception {
    // The endpoint also announces itself to this node: answered OK, otherwise ignored here.
    FakeNode coordinator = cluster.node((request, nth) ->
        request.type() == MessageType.ANNOUNCE_ENDPOINT_REQUEST
            ? reply(simple(Outcome.OK))
            : reply(((RegisterBranchRequest) request.message()).getXid().equals("decided")
                ? Replies.txnReply(Outcome.NOT_TRYING, request) : Replies.ok(request)));
    TccClient client = cluster.client(coordinator.address());
    Ledger ledger = new Ledger();
    RocksFenceStore store = fence("a");
    ParticipantEndpoint endpoint = endpoint(ParticipantEndpoint.builder()
        .participant("accounts", ledger, store).client(client).announceIntervalMs(60_000));

    TryResult tried = endpoint.registerAndTry("accounts", "x-header", "credit",
        "5".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, tried.outcome());
    RegisterBranchRequest registered = coordinator.received().stream()
        .filter(e -> e.type() == MessageType.REGISTER_BRANCH_REQUEST)
        .map(e -> (RegisterBranchRequest) e.message()).findFirst().orElseThrow();
    assertEquals("x-header", registered.getXid());
    assertEquals("credit", registered.getBranch().getBranchId());
    assertEquals("accounts", registered.getBranch().getParticipant());
    assertEquals(List.of("x-header/credit:5"), ledger.tried);
    assertEquals(FenceState.TRIED,
        store.branch("accounts", "x-header", "credit").orElseThrow().state());

    TryResult refused = endpoint.registerAndTry("accounts", "decided", "credit", new byte[0])
        .get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.NOT_TRYING, refused.outcome());
    assertTrue(store.branch("accounts", "decided", "credit").isEmpty(), "no try without a branch");
    assertThrows(IllegalStateException.class,
        () -> endpoint.registerAndTry("nobody", "x", "b", new byte[0]));
  }

  /** A coordinator that accepts begin and decide, answering with the request's xid. */
  private FakeNode acceptingCoordinator() throws InterruptedException {
    return cluster.node((request, nth) -> reply(Replies.ok(request)));
  }

  private TccClient transactionalClient(FakeNode coordinator, InetSocketAddress a,
      InetSocketAddress b) {
    return cluster.client(cluster.clientBuilder(coordinator.address())
        .participantEndpoint("a", a).participantEndpoint("b", b));
  }

  @Test
  void aTransactionWhoseTriesAllSucceedBeginsOnceTriesInParallelAndConfirms() throws Exception {
    Ledger a = new Ledger();
    Ledger b = new Ledger();
    ParticipantEndpoint endpointA = endpoint(ParticipantEndpoint.builder()
        .participant("a", a, fence("a")));
    ParticipantEndpoint endpointB = endpoint(ParticipantEndpoint.builder()
        .participant("b", b, fence("b")));
    FakeNode coordinator = acceptingCoordinator();
    TccClient client = transactionalClient(coordinator, endpointA.address(), endpointB.address());

    TransactionResult result = client.transaction("t1", 10_000)
        .branch("debit", "a", "-5".getBytes(StandardCharsets.UTF_8))
        .branch("credit", "b", "+5".getBytes(StandardCharsets.UTF_8))
        .execute().get(10, TimeUnit.SECONDS);
    assertTrue(result.confirmed());
    assertEquals(Decision.CONFIRM, result.decision());
    assertEquals(List.of("debit", "credit"), new ArrayList<>(result.tries().keySet()));
    assertEquals(List.of("t1/debit:-5"), a.tried);
    assertEquals(List.of("t1/credit:+5"), b.tried);
    List<Envelope> sent = coordinator.received();
    assertEquals(2, sent.size(), "begin with every branch, then the decision: two log commands");
    assertEquals(2, ((BeginRequest) sent.get(0).message()).getBranchesCount());
    assertEquals(dev.sequent.protocol.proto.Decision.CONFIRM,
        ((DecideRequest) sent.get(1).message()).getDecision());
  }

  @Test
  void aTransactionWithAFailedTryCancels() throws Exception {
    ParticipantEndpoint endpointA = endpoint(ParticipantEndpoint.builder()
        .participant("a", new Ledger(), fence("a")));
    FakeNode coordinator = acceptingCoordinator();
    // b's endpoint is down: its try gives up, which counts as a failed try.
    TccClient client = transactionalClient(coordinator, endpointA.address(),
        FakeCluster.deadAddress());

    TransactionResult failedTry = client.transaction(10_000)
        .branch("fail-debit", "a", new byte[0])
        .execute().get(10, TimeUnit.SECONDS);
    assertEquals(Decision.CANCEL, failedTry.decision());
    assertFalse(failedTry.confirmed());
    assertEquals(Outcome.TRY_FAILED, failedTry.tries().get("fail-debit").outcome());

    TransactionResult unreachable = client.transaction(10_000)
        .branch("debit", "a", new byte[0]).branch("credit", "b", new byte[0])
        .execute().get(10, TimeUnit.SECONDS);
    assertEquals(Decision.CANCEL, unreachable.decision());
    assertEquals(Outcome.OK, unreachable.tries().get("debit").outcome());
    assertEquals(Outcome.UNAVAILABLE, unreachable.tries().get("credit").outcome());
    DecideRequest decided = (DecideRequest) coordinator.received()
        .get(coordinator.received().size() - 1).message();
    assertEquals(dev.sequent.protocol.proto.Decision.CANCEL, decided.getDecision());
  }

  @Test
  void aTransactionWhoseBeginIsRefusedRunsNoTry() throws Exception {
    Ledger a = new Ledger();
    ParticipantEndpoint endpointA = endpoint(ParticipantEndpoint.builder()
        .participant("a", a, fence("a")));
    FakeNode coordinator = cluster.node((request, nth) ->
        reply(Replies.txnReply(Outcome.TOO_MANY_BRANCHES, request)));
    TccClient client = transactionalClient(coordinator, endpointA.address(),
        endpointA.address());

    TransactionResult result = client.transaction(10_000).branch("debit", "a", new byte[0])
        .execute().get(10, TimeUnit.SECONDS);
    assertEquals(Outcome.TOO_MANY_BRANCHES, result.begun().outcome());
    assertNull(result.decision());
    assertTrue(a.tried.isEmpty());
    assertEquals(1, coordinator.requests());
    assertThrows(IllegalArgumentException.class,
        () -> client.transaction(1_000).branch("x", "unconfigured", new byte[0]));
  }
}
