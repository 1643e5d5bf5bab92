package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.TccClient;
import dev.sequent.client.TccClientException;
import dev.sequent.client.TryResult;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.tls.TestPki;
import dev.sequent.protocol.tls.TlsSettings;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.storage.InMemoryStateStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A participant endpoint with mutual TLS that takes phase-2 calls only from the cluster's
 * identity (node-1) and tries only from client-app, over real sockets on 127.0.0.1 with
 * certificates generated here. Each refusal is checked against the fence: nothing of a refused
 * request was applied.
 */
class EndpointTlsTest {
  static final String P = "accounts";

  @TempDir Path dir;
  TestPki pki;
  RecordingResource resource;
  RocksFenceStore fence;
  ParticipantEndpoint endpoint;

  @BeforeEach
  void startEndpoint() throws Exception {
    pki = TestPki.create(dir);
    resource = new RecordingResource();
    fence = RocksFenceStore.over(InMemoryStateStore.create(RocksFenceStore.KEYSPACES));
    endpoint = ParticipantEndpoint.builder()
        .participant(P, resource, fence)
        .tls(tls(pki.issue("participant-x")))
        .clusterIdentities(Set.of("node-1"))
        .tryClients(Set.of("client-app"))
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    endpoint.close();
    fence.close();
  }

  TlsSettings tls(TestPki.Leaf leaf) {
    return TlsSettings.fromPem(leaf.certChain(), leaf.privateKey(), pki.caCert());
  }

  TccClient initiator(TlsSettings tls) {
    TccClient.Builder builder = TccClient.builder().seed(new InetSocketAddress("127.0.0.1", 1))
        .operationTimeoutMs(10_000);
    return tls == null ? builder.build() : builder.tls(tls).build();
  }

  /** The try's answer; a client that gave up throws its TccClientException. */
  TryResult tryBranch(TccClient client, String xid) throws Exception {
    try {
      return client.tryBranch(endpoint.address(), xid, new Branch("b", P, new byte[] {1}))
          .get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException gaveUp ? gaveUp : e;
    }
  }

  @Test
  void theClusterIdentityConfirmsWhatTheAllowedInitiatorTried() throws Exception {
    try (TccClient client = initiator(tls(pki.issue("client-app")))) {
      assertEquals(Outcome.OK, tryBranch(client, "x1").outcome());
    }
    try (TestLeader leader = new TestLeader(endpoint.address(),
        ClientTls.of(tls(pki.issue("node-1"))))) {
      Phase2Ack ack = leader.call(Calls.confirm(P, 1, 1, "x1"));
      assertEquals(Outcome.OK.code(), ack.getOutcome(), ack.getMessage());
    }
    assertEquals(FenceState.CONFIRMED, fence.branch(P, "x1", "b").orElseThrow().state());
  }

  @Test
  void aPhase2CallFromAnInitiatorsIdentityIsRefusedAndNothingIsApplied() throws Exception {
    try (TccClient client = initiator(tls(pki.issue("client-app")))) {
      assertEquals(Outcome.OK, tryBranch(client, "x1").outcome());
    }
    try (TestLeader impostor = new TestLeader(endpoint.address(),
        ClientTls.of(tls(pki.issue("client-app"))))) {
      Envelope answer = impostor.send(Calls.confirm(P, 1, 1, "x1")).get(10, TimeUnit.SECONDS);
      assertEquals(MessageType.ERROR_REPLY, answer.type());
      assertEquals(Outcome.PERMISSION_DENIED.code(), ((ErrorReply) answer.message()).getOutcome());
      assertTrue(impostor.closedByEndpoint());
    }
    assertEquals(FenceState.TRIED, fence.branch(P, "x1", "b").orElseThrow().state());
    assertEquals(0, fence.watermark(P).appliedSeq());
  }

  @Test
  void aPlaintextLeaderIsToldTheEndpointRequiresTls() throws Exception {
    try (TestLeader plaintext = new TestLeader(endpoint.address())) {
      plaintext.send(Calls.cancel(P, 1, 1, "x1"));
      assertTrue(plaintext.closedByEndpoint());
      ErrorReply error = (ErrorReply) plaintext.connectionError().message();
      assertEquals(Outcome.UNAUTHENTICATED.code(), error.getOutcome(), error.getMessage());
    }
    assertEquals(0, fence.watermark(P).appliedSeq(), "the cancel was not applied");
    assertTrue(fence.branch(P, "x1", "b").isEmpty());
  }

  @Test
  void aTryFromTheClustersIdentityIsRefusedSinceOnlyInitiatorsMayTry() throws Exception {
    try (TccClient node = initiator(tls(pki.issue("node-1")))) {
      TryResult refused = tryBranch(node, "x1");
      assertEquals(Outcome.PERMISSION_DENIED, refused.outcome(), refused.message());
    }
    assertTrue(fence.branch(P, "x1", "b").isEmpty(), "the try did not run");
  }

  @Test
  void initiatorsWithoutAnAllowedTrustedCertificateAreRefusedAtOnce() throws Exception {
    try (TccClient stranger = initiator(tls(pki.issue("intruder")));
        TccClient forged = initiator(tls(pki.issueByIntruder("client-app")));
        TccClient plaintext = initiator(null)) {
      TccClientException notAllowed = assertThrows(TccClientException.class,
          () -> tryBranch(stranger, "x1"), "connection-level allow-list");
      assertEquals(Outcome.PERMISSION_DENIED, notAllowed.lastOutcome());
      TccClientException untrusted = assertThrows(TccClientException.class,
          () -> tryBranch(forged, "x1"), "certificate from another CA");
      assertEquals(Outcome.UNAUTHENTICATED, untrusted.lastOutcome());
      TccClientException clear = assertThrows(TccClientException.class,
          () -> tryBranch(plaintext, "x1"), "plaintext");
      assertEquals(Outcome.UNAUTHENTICATED, clear.lastOutcome());
      assertEquals(1, clear.attemptsMade(), "a refusal is not retried");
    }
    assertTrue(fence.branch(P, "x1", "b").isEmpty(), "no try ran");
    assertFalse(resource.calls.stream().anyMatch(c -> c.xid().equals("x1")));
  }

  @Test
  void identityListsNeedTls() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> ParticipantEndpoint.builder().participant("other", resource, fence)
            .clusterIdentities(Set.of("node-1")).start());
    assertTrue(refused.getMessage().contains("need tls"), refused.getMessage());
  }
}
