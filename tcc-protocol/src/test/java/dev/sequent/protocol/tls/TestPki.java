package dev.sequent.protocol.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests, generated in the test's temporary directory (no private key is ever
 * committed): a CA the peers trust, and an "intruder" CA nobody trusts. Leaf certificates carry
 * their name as CN and as a DNS name, plus DNS localhost and IP 127.0.0.1 so host name checks pass
 * on the loopback interface, and may serve as both server and client certificates.
 *
 * <p>Shared with other modules' tests through tcc-protocol's test-jar.
 */
public final class TestPki {
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

  /** A certificate chain file and its key file, as a peer is configured with them. */
  public record Leaf(String name, Path certChain, Path privateKey) {}

  private final Path dir;
  private final Authority trusted;
  private final Authority intruder;

  private record Authority(String name, KeyPair keys, X509Certificate certificate, Path file) {}

  private TestPki(Path dir) {
    this.dir = dir;
    this.trusted = authority("sequent-test-ca");
    this.intruder = authority("intruder-ca");
  }

  /** Creates both CAs under dir. */
  public static TestPki create(Path dir) {
    return new TestPki(dir);
  }

  /** The trusted CA's certificate: the trust file every honest peer is given. */
  public Path caCert() {
    return trusted.file();
  }

  /** The intruder CA's certificate (for a peer that trusts only the intruder). */
  public Path intruderCaCert() {
    return intruder.file();
  }

  /** A leaf signed by the trusted CA. */
  public Leaf issue(String name) {
    return leaf(name, trusted, Duration.ofDays(1), "");
  }

  /** A leaf with the same name signed by the intruder CA, which no honest peer trusts. */
  public Leaf issueByIntruder(String name) {
    return leaf(name, intruder, Duration.ofDays(1), "intruder-");
  }

  private Authority authority(String name) {
    KeyPair keys = keyPair();
    X500Principal subject = new X500Principal("CN=" + name + ",O=Sequent tests");
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(Instant.now().minus(Duration.ofMinutes(5))),
          Date.from(Instant.now().plus(Duration.ofDays(2))), subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate certificate = sign(builder, keys);
      Path file = dir.resolve(name + ".crt");
      Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()),
          StandardCharsets.US_ASCII);
      return new Authority(name, keys, certificate, file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private Leaf leaf(String name, Authority issuer, Duration validity, String filePrefix) {
    KeyPair keys = keyPair();
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          issuer.certificate().getSubjectX500Principal(), serial(),
          Date.from(Instant.now().minus(Duration.ofMinutes(5))),
          Date.from(Instant.now().plus(validity)),
          new X500Principal("CN=" + name + ",O=Sequent tests"), keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
              new GeneralName[] {
                  new GeneralName(GeneralName.dNSName, name),
                  new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      X509Certificate certificate = sign(builder, issuer.keys());
      Path chain = dir.resolve(filePrefix + name + ".crt");
      Path key = dir.resolve(filePrefix + name + ".key");
      Files.writeString(chain, pem("CERTIFICATE", certificate.getEncoded()),
          StandardCharsets.US_ASCII);
      Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
          StandardCharsets.US_ASCII);
      return new Leaf(name, chain, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA")
          .build(issuer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIALS.incrementAndGet());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
