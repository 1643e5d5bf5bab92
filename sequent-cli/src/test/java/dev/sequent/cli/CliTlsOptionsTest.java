package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --tls-* options are checked before any node is contacted: incomplete combinations and
 * unreadable files are usage errors (exit 2) that say what is wrong. (A TLS session against a
 * running cluster is covered by coordinator-core's TlsClusterTest, which drives the same client.)
 */
class CliTlsOptionsTest {
  @TempDir Path dir;

  @Test
  void aClientCertificateNeedsTheTrustFileAndItsKey() {
    Cli.Run noTrust = Cli.run("--nodes", "127.0.0.1:1", "--tls-cert", "a.crt", "--tls-key",
        "a.key", "status");
    assertEquals(CliFailure.USAGE, noTrust.code(), noTrust.toString());
    assertTrue(noTrust.err().contains("need --tls-trust"), noTrust.toString());

    Cli.Run noKey = Cli.run("--nodes", "127.0.0.1:1", "--tls-trust", "ca.crt", "--tls-cert",
        "a.crt", "status");
    assertEquals(CliFailure.USAGE, noKey.code(), noKey.toString());
    assertTrue(noKey.err().contains("go together"), noKey.toString());
  }

  @Test
  void anUnreadableTrustFileIsNamed() {
    Path absent = dir.resolve("absent-ca.crt");
    Cli.Run run = Cli.run("--nodes", "127.0.0.1:1", "--tls-trust", absent.toString(), "status");
    assertEquals(CliFailure.USAGE, run.code(), run.toString());
    assertTrue(run.err().contains("absent-ca.crt"), run.toString());
  }
}
