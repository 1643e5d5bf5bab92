package dev.sequent.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.coordinator.config.ConfigException;
import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.protocol.tls.TestPki;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node reads its TLS files once, before it opens any port: a key that does not belong to the
 * certificate stops start-up with a ConfigException naming both files, instead of a handshake
 * failure later on every connection.
 */
class TlsStartupTest {
  @TempDir Path dir;

  static NodeConfig config(Path cert, Path key, Path trust) {
    return NodeConfig.of(Map.of("cluster.peers", "n1=127.0.0.1:7001:9001", "node.id", "n1",
        "node.dataDir", "unused", "tls.enabled", "true", "tls.certChainFile", cert.toString(),
        "tls.privateKeyFile", key.toString(), "tls.trustCertsFile", trust.toString()));
  }

  @Test
  void theNodesOwnKeyMaterialIsCheckedAtStartUp() {
    TestPki pki = TestPki.create(dir);
    TestPki.Leaf n1 = pki.issue("n1");
    TestPki.Leaf other = pki.issue("other");
    assertEquals(List.of("n1", "localhost"), CoordinatorNode.tlsSettings(
        config(n1.certChain(), n1.privateKey(), pki.caCert())).identity().names());
    ConfigException mismatch = assertThrows(ConfigException.class, () -> CoordinatorNode
        .tlsSettings(config(n1.certChain(), other.privateKey(), pki.caCert())));
    assertTrue(mismatch.getMessage().contains("does not belong"), mismatch.getMessage());
    assertTrue(mismatch.getMessage().contains(n1.certChain().toString()), mismatch.getMessage());
    assertNull(CoordinatorNode.tlsSettings(NodeConfig.of(Map.of("cluster.peers",
        "n1=127.0.0.1:7001:9001", "node.id", "n1", "node.dataDir", "unused"))));
  }
}
