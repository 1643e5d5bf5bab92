package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.TccClient;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.NettyLeakWatch;
import dev.sequent.storage.InMemoryStateStore;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Limits, settings and shutdown of the endpoint: bounded queues, validation, no stray threads. */
@ExtendWith(NettyLeakWatch.class)
class EndpointLifecycleTest {
  static final String P = "accounts";

  private static RocksFenceStore memoryFence() {
    return RocksFenceStore.over(InMemoryStateStore.create(RocksFenceStore.KEYSPACES));
  }

  @Test
  void aFullPhase2QueueAnswersOverloadedAtOnceAndTheLeaderCanResend() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingResource recording = new RecordingResource();
    TccResource blocking = new TccResource() {
      @Override
      public void onTry(BranchContext branch) throws Exception {
        recording.onTry(branch);
      }

      @Override
      public void onConfirm(BranchContext branch) {}

      @Override
      public void onCancel(BranchContext branch) throws Exception {
        assertTrue(release.await(10, TimeUnit.SECONDS));
        recording.onCancel(branch);
      }
    };
    RocksFenceStore store = memoryFence();
    new Fence(P, recording, store).tryBranch("x1", "b", new byte[0]);
    try (ParticipantEndpoint endpoint = ParticipantEndpoint.builder()
            .participant(P, blocking, store).phase2QueueMax(1).start();
        TestLeader leader = new TestLeader(endpoint.address())) {
      CompletableFuture<Envelope> running = leader.send(Calls.cancel(P, 1, 1, "x1"));
      CompletableFuture<Envelope> queued = leader.send(Calls.cancel(P, 2, 1, "x2"));
      Phase2Ack refused = leader.call(Calls.cancel(P, 3, 1, "x3"));
      assertEquals(Outcome.OVERLOADED, Outcome.fromCode(refused.getOutcome()));
      release.countDown();
      assertEquals(Outcome.OK.code(),
          ((Phase2Ack) running.get(10, TimeUnit.SECONDS).message()).getOutcome());
      assertEquals(Outcome.OK.code(),
          ((Phase2Ack) queued.get(10, TimeUnit.SECONDS).message()).getOutcome());
      assertEquals(Outcome.OK, Outcome.fromCode(leader.call(Calls.cancel(P, 3, 1, "x3"))
          .getOutcome()));
    }
    assertEquals(List.of(1L), recording.appliedSeqs(), "x2, x3 were empty cancels");
  }

  @Test
  void closeStopsEveryThreadTheEndpointStarted() throws Exception {
    ParticipantEndpoint endpoint = ParticipantEndpoint.builder()
        .participant(P, new RecordingResource(), memoryFence()).start();
    try (TestLeader leader = new TestLeader(endpoint.address())) {
      leader.call(Calls.cancel(P, 1, 1, "x1"));
    }
    endpoint.close();
    endpoint.close(); // idempotent
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!endpointThreads().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "still running: " + endpointThreads());
      Thread.sleep(10);
    }
  }

  private static List<String> endpointThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("sequent-participant-")
            || name.startsWith(HostedParticipant.PHASE2_THREAD_PREFIX))
        .toList();
  }

  @Test
  void settingsAreCheckedWhenStarting() throws Exception {
    try (TccClient client = TccClient.builder().seed(new InetSocketAddress("127.0.0.1", 1))
        .build()) {
      IllegalArgumentException wildcard = assertThrows(IllegalArgumentException.class,
          () -> ParticipantEndpoint.builder().bind("0.0.0.0", 0)
              .participant(P, new RecordingResource(), memoryFence()).client(client).start());
      assertTrue(wildcard.getMessage().contains("advertisedHost"), wildcard.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> ParticipantEndpoint.builder().start());
    assertThrows(IllegalArgumentException.class, () -> ParticipantEndpoint.builder()
        .participant("has space", new RecordingResource(), memoryFence()));
    assertThrows(IllegalArgumentException.class, () -> ParticipantEndpoint.builder()
        .participant(P, new RecordingResource(), memoryFence()).tryThreads(0).start());
  }
}
