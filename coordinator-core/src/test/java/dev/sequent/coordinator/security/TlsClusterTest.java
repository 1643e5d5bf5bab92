package dev.sequent.coordinator.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.TccClient;
import dev.sequent.client.TccClientException;
import dev.sequent.client.TransactionResult;
import dev.sequent.client.TryResult;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnState;
import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.FenceState;
import dev.sequent.client.participant.JdbcFenceStore;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.client.participant.TccResource;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Decision;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.tls.TestPki;
import dev.sequent.protocol.tls.TlsSettings;
import dev.sequent.protocol.wire.Envelope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One three-node cluster with TLS on every channel, certificates generated in the test: mutual
 * TLS on the client port with the allow-list {client-app, participant-x}, mutual TLS between nodes
 * restricted to the nodes' identities {n1, n2, n3}, and a participant endpoint (mutual TLS) that
 * takes phase-2 calls only from those identities and tries only from client-app.
 *
 * <p>Accepted: a trusted, allowed client runs whole transactions (begin over the client port, try
 * over the endpoint, phase two from the leader), which also proves the nodes elect and commit over
 * mutual TLS. Refused: a plaintext client, a client certificate from another CA, a trusted
 * certificate whose identity is not allowed (each with a clear exception, while the cluster keeps
 * serving), a phase-2 call from a trusted non-cluster identity or from plaintext (nothing
 * applied), and a non-cluster identity on the Raft port.
 */
class TlsClusterTest {
  @TempDir static Path dir;
  static TestPki pki;
  static EmbeddedCluster cluster;
  static TccClient client;
  static ParticipantEndpoint endpoint;
  static JdbcFenceStore fence;
  static final List<String> confirmed = new CopyOnWriteArrayList<>();

  /** Records the confirms it applies; tries and cancels succeed. */
  static final class Recorder implements TccResource {
    @Override
    public void onTry(BranchContext branch) {}

    @Override
    public void onConfirm(BranchContext branch) {
      confirmed.add(branch.xid());
    }

    @Override
    public void onCancel(BranchContext branch) {}
  }

  @BeforeAll
  static void startTlsClusterAndEndpoint() throws Exception {
    pki = TestPki.create(dir);
    cluster = new EmbeddedCluster(3, dir.resolve("nodes"), tlsCluster(), nodeCertificates(),
        new SimpleMeterRegistry(), false).start();
    cluster.awaitLeader(30_000);

    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:tls-participant;DB_CLOSE_DELAY=-1");
    fence = JdbcFenceStore.create(h2);
    TestPki.Leaf participant = pki.issue("participant-x");
    endpoint = ParticipantEndpoint.builder()
        .participant("accounts", new Recorder(), fence)
        .participant("audit", new Recorder(), fence)
        .tls(TlsSettings.fromPem(participant.certChain(), participant.privateKey(),
            pki.caCert()))
        .clusterIdentities(Set.of("n1", "n2", "n3"))
        .tryClients(Set.of("client-app"))
        .start();

    client = clientWith(tls(pki.issue("client-app")))
        .participantEndpoint("accounts", endpoint.address())
        .build();
    TxnResult announced = client.blocking().announceEndpoint("accounts", "127.0.0.1",
        endpoint.address().getPort());
    assertEquals(Outcome.OK, announced.outcome(), announced.message());
  }

  static Map<String, String> tlsCluster() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("raft.electionTimeoutMinMs", "600");
    settings.put("raft.electionTimeoutMaxMs", "1200");
    settings.put("raft.requestTimeoutMs", "2000");
    settings.put("dispatch.backoffInitialMs", "20");
    settings.put("dispatch.backoffMaxMs", "500");
    settings.put("tls.enabled", "true");
    settings.put("tls.trustCertsFile", pki.caCert().toString());
    settings.put("tls.clientAuth", "require");
    settings.put("tls.allowedClients", "client-app, participant-x");
    settings.put("tls.clusterIdentities", "n1,n2,n3");
    return settings;
  }

  static Map<String, Map<String, String>> nodeCertificates() {
    Map<String, Map<String, String>> perNode = new LinkedHashMap<>();
    for (String id : List.of("n1", "n2", "n3")) {
      TestPki.Leaf leaf = pki.issue(id);
      perNode.put(id, Map.of("tls.certChainFile", leaf.certChain().toString(),
          "tls.privateKeyFile", leaf.privateKey().toString()));
    }
    return perNode;
  }

  static TlsSettings tls(TestPki.Leaf leaf) {
    return TlsSettings.fromPem(leaf.certChain(), leaf.privateKey(), pki.caCert());
  }

  static TccClient.Builder clientWith(TlsSettings tls) {
    TccClient.Builder builder = TccClient.builder().seeds(cluster.clientAddresses())
        .operationTimeoutMs(20_000);
    return tls == null ? builder : builder.tls(tls);
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (client != null) {
      client.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (fence != null) {
      fence.close();
    }
  }

  @Test
  void aTrustedAllowedClientRunsTransactionsThroughEveryTlsChannel() throws Exception {
    for (int i = 0; i < 3; i++) {
      TransactionResult result = client.transaction(10_000)
          .branch("debit", "accounts", new byte[] {1})
          .execute().get(30, TimeUnit.SECONDS);
      assertTrue(result.confirmed(), "confirmed: " + result);
      assertEquals(TxnState.CONFIRMED, awaitFinal(result.xid()),
          "the leader's phase-2 call, made with a cluster identity, was applied");
      assertEquals(1, confirmed.stream().filter(result.xid()::equals).count());
    }
    // Every node applied the same log over mutual TLS between nodes.
    long leaderApplied = cluster.awaitLeader(5_000).raft().lastAppliedIndex();
    for (CoordinatorNode node : cluster.runningNodes()) {
      awaitApplied(node, leaderApplied);
    }
  }

  @Test
  void aPlaintextClientIsRefusedAsUnauthenticatedAndOthersAreStillServed() {
    try (TccClient plaintext = clientWith(null).build()) {
      TccClientException refused = assertThrows(TccClientException.class,
          () -> plaintext.blocking().begin(TccClient.newXid(), 10_000, List.of()));
      assertEquals(Outcome.UNAUTHENTICATED, refused.lastOutcome(), refused.getMessage());
      assertTrue(refused.getMessage().contains("requires TLS"), refused.getMessage());
      assertEquals(1, refused.attemptsMade(), "a refusal is final, not retried to the timeout");
    }
    assertStillServes();
  }

  @Test
  void aClientCertificateFromAnUntrustedCaIsRefusedAndOthersAreStillServed() {
    try (TccClient forged = clientWith(tls(pki.issueByIntruder("client-app"))).build()) {
      TccClientException refused = assertThrows(TccClientException.class,
          () -> forged.blocking().begin(TccClient.newXid(), 10_000, List.of()));
      assertEquals(Outcome.UNAUTHENTICATED, refused.lastOutcome(), refused.getMessage());
      assertTrue(refused.getMessage().contains("TLS failed"), refused.getMessage());
    }
    assertStillServes();
  }

  @Test
  void aTrustedCertificateWhoseIdentityIsNotAllowedIsRefusedAndOthersAreStillServed() {
    try (TccClient stranger = clientWith(tls(pki.issue("intruder"))).build()) {
      TccClientException refused = assertThrows(TccClientException.class,
          () -> stranger.blocking().begin(TccClient.newXid(), 10_000, List.of()));
      assertEquals(Outcome.PERMISSION_DENIED, refused.lastOutcome(), refused.getMessage());
      assertTrue(refused.getMessage().contains("intruder"), refused.getMessage());
      assertTrue(refused.getMessage().contains("reached no node, so it was not applied"),
          refused.getMessage());
    }
    assertStillServes();
  }

  @Test
  void aPhase2CallIsAppliedOnlyFromAClusterIdentity() throws Exception {
    // A branch of a participant the cluster never heard of, tried by the allowed initiator: a
    // CONFIRM with seq 1 is exactly what its endpoint would apply next.
    String xid = TccClient.newXid();
    TryResult tried = client.tryBranch(endpoint.address(), xid,
        new Branch("b1", "audit", new byte[] {2})).get(10, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, tried.outcome(), tried.message());
    Envelope call = new Envelope(MessageType.PHASE2_CALL, 1, Phase2Call.newBuilder()
        .setParticipant("audit").setSeq(1).setTerm(1).setXid(xid).setBranchId("b1")
        .setDecision(Decision.CONFIRM).build());

    // Refused: client-app's certificate is trusted and allowed to try, but it is not the cluster.
    try (RawConnection impostor = new RawConnection(endpoint.address(),
        ClientTls.of(tls(pki.issue("client-app"))))) {
      ErrorReply error = (ErrorReply) ((Envelope) impostor.send(call)).message();
      assertEquals(Outcome.PERMISSION_DENIED.code(), error.getOutcome(), error.getMessage());
      assertTrue(impostor.closedByPeer(), "the endpoint closes a connection that overstepped");
    }
    // Refused: plaintext never reaches the endpoint's handler.
    try (RawConnection plaintext = new RawConnection(endpoint.address(), null)) {
      ErrorReply error = (ErrorReply) ((Envelope) plaintext.send(call)).message();
      assertEquals(Outcome.UNAUTHENTICATED.code(), error.getOutcome(), error.getMessage());
      assertTrue(plaintext.closedByPeer());
    }
    assertEquals(FenceState.TRIED, fence.branch("audit", xid, "b1").orElseThrow().state(),
        "nothing of a refused call was applied");
    assertEquals(0, fence.watermark("audit").appliedSeq());
    assertFalse(confirmed.contains(xid));

    // Accepted: the same call from a cluster identity (n1's certificate) is applied.
    try (RawConnection node = new RawConnection(endpoint.address(),
        ClientTls.of(tls(pki.issue("n1"))))) {
      Phase2Ack ack = (Phase2Ack) ((Envelope) node.send(call)).message();
      assertEquals(Outcome.OK.code(), ack.getOutcome(), ack.getMessage());
      assertEquals(1, ack.getAppliedSeq());
    }
    assertEquals(FenceState.CONFIRMED, fence.branch("audit", xid, "b1").orElseThrow().state());
    assertEquals(List.of(xid), confirmed.stream().filter(xid::equals).toList());
  }

  @Test
  void theRaftPortSpeaksMutualTlsWithClusterIdentitiesOnly() throws Exception {
    int raftPort = cluster.node("n1").orElseThrow().config().self().raftPort();
    assertTrue(http2AnswersOverTls(raftPort, tls(pki.issue("n2"))),
        "a node's identity gets an HTTP/2 answer from Ratis's gRPC");
    assertFalse(http2AnswersOverTls(raftPort, tls(pki.issue("client-app"))),
        "a trusted certificate that is not a cluster identity is refused in the handshake");
    assertFalse(http2AnswersOverTls(raftPort, tls(pki.issueByIntruder("n2"))),
        "a cluster identity signed by another CA is refused in the handshake");
  }

  /** Opens TLS with the given credentials, sends the HTTP/2 preface: did a frame come back? */
  static boolean http2AnswersOverTls(int port, TlsSettings credentials) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {credentials.keyManager()},
        new TrustManager[] {credentials.trustManager(Set.of())}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      out.flush();
      InputStream in = socket.getInputStream();
      return in.read() >= 0;
    } catch (IOException refused) {
      return false;
    }
  }

  static void assertStillServes() {
    TxnResult begun = client.blocking().begin(TccClient.newXid(), 10_000, List.of());
    assertEquals(Outcome.OK, begun.outcome(), "the cluster keeps serving allowed clients");
  }

  static TxnState awaitFinal(String xid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    TxnState state;
    do {
      state = client.blocking().status(xid).txn().state();
      if (state == TxnState.CONFIRMED || state == TxnState.CANCELLED) {
        return state;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    } while (System.nanoTime() < deadline);
    return state;
  }

  static void awaitApplied(CoordinatorNode node, long index) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (node.raft().lastAppliedIndex() < index && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    assertTrue(node.raft().lastAppliedIndex() >= index,
        node.id() + " applied " + node.raft().lastAppliedIndex() + " < " + index);
  }
}
