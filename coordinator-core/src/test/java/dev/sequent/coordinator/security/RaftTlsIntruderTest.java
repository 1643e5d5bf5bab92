package dev.sequent.coordinator.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnState;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.tls.TestPki;
import dev.sequent.protocol.tls.TlsSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node whose certificate comes from another CA cannot join a TLS cluster: n3 is configured like
 * its peers (same trust file, same cluster identities, its own id as its certificate's name) but
 * its certificate is signed by an intruder CA. n1 and n2 refuse its handshakes both ways, elect a
 * leader between them and commit transactions; n3 never learns a leader, never applies what they
 * committed, and its peers' logs say why.
 */
class RaftTlsIntruderTest {
  @TempDir Path dir;

  @Test
  void aNodeWithACertificateFromAnotherCaCannotJoinAndTheOthersMakeProgress() throws Exception {
    TestPki pki = TestPki.create(dir);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("raft.electionTimeoutMinMs", "600");
    settings.put("raft.electionTimeoutMaxMs", "1200");
    settings.put("raft.requestTimeoutMs", "2000");
    settings.put("tls.enabled", "true");
    settings.put("tls.trustCertsFile", pki.caCert().toString());
    settings.put("tls.clusterIdentities", "n1,n2,n3");
    Map<String, Map<String, String>> certificates = new LinkedHashMap<>();
    certificates.put("n1", files(pki.issue("n1")));
    certificates.put("n2", files(pki.issue("n2")));
    certificates.put("n3", files(pki.issueByIntruder("n3")));

    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger trust = (Logger) LoggerFactory.getLogger("dev.sequent.protocol.tls");
    trust.addAppender(log);
    try (EmbeddedCluster cluster = new EmbeddedCluster(3, dir.resolve("nodes"), settings,
        certificates, new SimpleMeterRegistry(), false).start()) {
      CoordinatorNode leader = cluster.awaitLeader(30_000);
      assertFalse(leader.id().equals("n3"), "the intruder cannot lead");
      List<InetSocketAddress> honest = List.of(
          cluster.node("n1").orElseThrow().clientAddress(),
          cluster.node("n2").orElseThrow().clientAddress());
      TestPki.Leaf app = pki.issue("client-app");
      try (TccClient client = TccClient.builder().seeds(honest).operationTimeoutMs(20_000)
          .tls(TlsSettings.fromPem(app.certChain(), app.privateKey(), pki.caCert())).build()) {
        for (int i = 0; i < 5; i++) {
          String xid = TccClient.newXid();
          assertEquals(Outcome.OK, client.blocking().begin(xid, 10_000, List.of()).outcome());
          TxnResult decided = client.blocking().confirm(xid);
          assertEquals(TxnState.CONFIRMED, decided.txn().state(), decided.message());
        }
      }
      CoordinatorNode intruder = cluster.node("n3").orElseThrow();
      long committed = cluster.awaitLeader(5_000).raft().lastAppliedIndex();
      TimeUnit.MILLISECONDS.sleep(500);
      assertTrue(intruder.raft().leaderId().isEmpty(),
          "n3 never heard from a leader, it says " + intruder.raft().leaderId());
      assertTrue(intruder.raft().lastAppliedIndex() < committed, "n3 applied "
          + intruder.raft().lastAppliedIndex() + " of the " + committed + " entries committed");
      List<ILoggingEvent> lines;
      synchronized (log) { // appends hold the appender's lock
        lines = new ArrayList<>(log.list);
      }
      assertTrue(lines.stream().anyMatch(e -> e.getFormattedMessage().contains("n3")
              && e.getFormattedMessage().contains("not accepted")),
          "an honest node logged why it refused n3: " + lines);
    } finally {
      trust.detachAppender(log);
    }
  }

  static Map<String, String> files(TestPki.Leaf leaf) {
    return Map.of("tls.certChainFile", leaf.certChain().toString(),
        "tls.privateKeyFile", leaf.privateKey().toString());
  }
}
