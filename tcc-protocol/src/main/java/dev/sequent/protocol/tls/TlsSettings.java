package dev.sequent.protocol.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;

/**
 * The key material of one TLS peer, read once from PEM files: its own certificate chain and private
 * key (optional for a client that the server does not ask for a certificate), and the CA
 * certificates it trusts for the other side. Every Sequent channel builds its contexts from one of
 * these ({@link ServerTls}, {@link ClientTls}; Ratis through {@link #keyManager()} and {@link
 * #trustManager(Set)}).
 *
 * <p>Loading checks what can be checked early: each file parses, the key belongs to the first
 * certificate of the chain, and that certificate is valid now. A failure is an {@link
 * IllegalArgumentException} naming the file.
 */
public final class TlsSettings {
  /** The protocol versions every Sequent channel speaks; older ones are refused. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final char[] KEY_STORE_PASSWORD = "sequent".toCharArray();

  private final List<X509Certificate> certChain;
  private final PrivateKey privateKey;
  private final List<X509Certificate> trustCerts;

  private TlsSettings(List<X509Certificate> certChain, PrivateKey privateKey,
      List<X509Certificate> trustCerts) {
    this.certChain = certChain;
    this.privateKey = privateKey;
    this.trustCerts = trustCerts;
  }

  /**
   * A peer with a certificate of its own: what servers need, and clients of servers that require
   * client certificates (mutual TLS).
   *
   * @param certChainFile PEM certificates: this peer's first, then any intermediates
   * @param privateKeyFile PEM unencrypted PKCS#8 private key of the first certificate
   * @param trustCertsFile PEM CA certificates that sign the certificates of the other side
   */
  public static TlsSettings fromPem(Path certChainFile, Path privateKeyFile,
      Path trustCertsFile) {
    Objects.requireNonNull(certChainFile, "certChainFile");
    Objects.requireNonNull(privateKeyFile, "privateKeyFile");
    List<X509Certificate> chain = Pem.certificates(certChainFile, "TLS certificate chain");
    PrivateKey key = Pem.privateKey(privateKeyFile, "TLS private key");
    checkPair(chain.get(0), key, certChainFile, privateKeyFile);
    checkValidNow(chain.get(0), certChainFile);
    return new TlsSettings(chain, key, trusted(trustCertsFile));
  }

  /** A client without a certificate of its own: it only checks the server's. */
  public static TlsSettings trustOnly(Path trustCertsFile) {
    return new TlsSettings(List.of(), null, trusted(trustCertsFile));
  }

  private static List<X509Certificate> trusted(Path trustCertsFile) {
    Objects.requireNonNull(trustCertsFile, "trustCertsFile");
    return Pem.certificates(trustCertsFile, "TLS trust certificates");
  }

  /** True when this peer has a certificate to present. */
  public boolean hasCertificate() {
    return privateKey != null;
  }

  /** This peer's own identity (certificate CN and DNS names); empty without a certificate. */
  public PeerIdentity identity() {
    return hasCertificate() ? PeerIdentity.of(certChain.get(0)) : PeerIdentity.NONE;
  }

  List<X509Certificate> certChain() {
    return certChain;
  }

  PrivateKey privateKey() {
    return privateKey;
  }

  List<X509Certificate> trustCerts() {
    return trustCerts;
  }

  /** A key manager presenting this peer's certificate; null without one. */
  public X509KeyManager keyManager() {
    if (!hasCertificate()) {
      return null;
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("sequent", privateKey, KEY_STORE_PASSWORD,
          certChain.toArray(new X509Certificate[0]));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, KEY_STORE_PASSWORD);
      for (KeyManager manager : factory.getKeyManagers()) {
        if (manager instanceof X509KeyManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JVM's key manager factory made no X509KeyManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a key manager: " + e, e);
    }
  }

  /**
   * A trust manager that accepts the peers whose chain leads to a trusted CA and, when {@code
   * allowed} is not empty, whose certificate names one of these identities ({@link PeerIdentity}).
   * Host names are still checked when the TLS engine asks for it.
   */
  public X509ExtendedTrustManager trustManager(Set<String> allowed) {
    return new IdentityTrustManager(pkixTrustManager(), allowed);
  }

  X509ExtendedTrustManager pkixTrustManager() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate certificate : trustCerts) {
        store.setCertificateEntry("trusted-" + i++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JVM's trust manager factory made no X509 manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager: " + e, e);
    }
  }

  /** Proves the key belongs to the certificate by signing with one and verifying with the other. */
  private static void checkPair(X509Certificate certificate, PrivateKey key, Path certFile,
      Path keyFile) {
    PublicKey publicKey = certificate.getPublicKey();
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return; // a key type this check cannot probe: the first handshake will tell
    }
    boolean matches = false;
    try {
      if (publicKey.getAlgorithm().equals(key.getAlgorithm())) {
        byte[] probe = "sequent key pair check".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        matches = verifier.verify(signature);
      }
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException("TLS private key " + keyFile
          + " does not belong to the first certificate of " + certFile + " ("
          + PeerIdentity.of(certificate) + ")");
    }
  }

  private static void checkValidNow(X509Certificate certificate, Path file) {
    try {
      certificate.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new IllegalArgumentException("TLS certificate " + file + " (" + PeerIdentity.of(
          certificate) + ") expired on " + certificate.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new IllegalArgumentException("TLS certificate " + file + " (" + PeerIdentity.of(
          certificate) + ") is not valid before " + certificate.getNotBefore().toInstant());
    }
  }

  /** Names the identity and the trust anchors; never the key. */
  @Override
  public String toString() {
    return "TlsSettings[identity=" + identity() + ", trusted="
        + trustCerts.stream().map(c -> c.getSubjectX500Principal().getName()).toList() + "]";
  }
}
