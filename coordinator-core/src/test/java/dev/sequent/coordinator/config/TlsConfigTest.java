package dev.sequent.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.tls.TestPki;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tls.* keys are checked once at start-up, each refusal naming the key and what to do: TLS
 * settings without tls.enabled, missing or unreadable files, unknown modes, an allow-list that
 * nothing could be checked against. Plaintext stays the default.
 */
class TlsConfigTest {
  @TempDir Path dir;
  TestPki pki;
  TestPki.Leaf node;

  @BeforeEach
  void certificates() {
    pki = TestPki.create(dir);
    node = pki.issue("n2");
  }

  Map<String, String> tls() {
    Map<String, String> settings = NodeConfigTest.valid();
    settings.put("tls.enabled", "true");
    settings.put("tls.certChainFile", node.certChain().toString());
    settings.put("tls.privateKeyFile", node.privateKey().toString());
    settings.put("tls.trustCertsFile", pki.caCert().toString());
    return settings;
  }

  @Test
  void plaintextIsTheDefault() {
    NodeConfig config = NodeConfig.of(NodeConfigTest.valid());
    assertFalse(config.tlsEnabled());
    assertEquals(Set.of(), config.identities(ConfigKey.TLS_ALLOWED_CLIENTS));
  }

  @Test
  void aCompleteTlsConfigIsParsed() {
    Map<String, String> settings = tls();
    settings.put("tls.clientAuth", "require");
    settings.put("tls.allowedClients", " client-app , participant-x");
    settings.put("tls.clusterIdentities", "n1,n2");
    NodeConfig config = NodeConfig.of(settings);
    assertTrue(config.tlsEnabled());
    assertTrue(config.tlsClientCertRequired());
    assertEquals(Set.of("client-app", "participant-x"),
        config.identities(ConfigKey.TLS_ALLOWED_CLIENTS));
    assertEquals(Set.of("n1", "n2"), config.identities(ConfigKey.TLS_CLUSTER_IDENTITIES));
    assertEquals(node.certChain(), config.path(ConfigKey.TLS_CERT_CHAIN_FILE));
  }

  @Test
  void tlsSettingsWithoutTlsEnabledAreRefused() {
    Map<String, String> settings = NodeConfigTest.valid();
    settings.put("tls.trustCertsFile", pki.caCert().toString());
    assertTrue(NodeConfigTest.refusal(settings).contains(
        "tls.trustCertsFile is set but tls.enabled is false"));
  }

  @Test
  void badTlsValuesAreNamed() {
    Map<String, String> yes = tls();
    yes.put("tls.enabled", "yes");
    assertTrue(NodeConfigTest.refusal(yes).contains("tls.enabled must be true or false"));

    Map<String, String> noKey = tls();
    noKey.remove("tls.privateKeyFile");
    assertTrue(NodeConfigTest.refusal(noKey).contains("tls.enabled=true needs"
        + " tls.privateKeyFile"));

    Map<String, String> absent = tls();
    absent.put("tls.trustCertsFile", dir.resolve("absent.crt").toString());
    assertTrue(NodeConfigTest.refusal(absent).contains("tls.trustCertsFile: cannot read file"));

    Map<String, String> mode = tls();
    mode.put("tls.clientAuth", "optional");
    assertTrue(NodeConfigTest.refusal(mode).contains("tls.clientAuth must be none or require"));

    Map<String, String> unchecked = tls();
    unchecked.put("tls.allowedClients", "client-app");
    assertTrue(NodeConfigTest.refusal(unchecked).contains(
        "tls.allowedClients needs tls.clientAuth=require"));

    Map<String, String> empty = tls();
    empty.put("tls.clusterIdentities", "n1,,n3");
    assertTrue(NodeConfigTest.refusal(empty).contains("tls.clusterIdentities: empty identity"));
  }
}
