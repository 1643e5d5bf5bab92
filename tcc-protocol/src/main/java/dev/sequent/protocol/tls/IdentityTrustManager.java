package dev.sequent.protocol.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PKIX trust (the chain leads to a trusted CA, host names checked when the engine asks) plus an
 * identity allow-list checked during the handshake: for channels whose other end is a program of
 * ours that cannot be told why (Ratis's gRPC between nodes), where refusing the handshake is the
 * clearest answer. Both directions are checked, so a node accepts only cluster identities as
 * callers and as the servers it calls.
 */
final class IdentityTrustManager extends X509ExtendedTrustManager {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityTrustManager.class);
  /** How often one refused identity is logged at most: peers retry, the log must not flood. */
  static final long LOG_INTERVAL_MS = 60_000;

  private final X509ExtendedTrustManager pkix;
  private final Set<String> allowed;
  private final Map<PeerIdentity, Long> lastLoggedMs = new ConcurrentHashMap<>();

  IdentityTrustManager(X509ExtendedTrustManager pkix, Set<String> allowed) {
    this.pkix = pkix;
    this.allowed = Set.copyOf(allowed);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, "client", () -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, "client", () -> pkix.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, "client", () -> pkix.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, "server", () -> pkix.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, "server", () -> pkix.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, "server", () -> pkix.checkServerTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  @FunctionalInterface
  private interface PkixCheck {
    void run() throws CertificateException;
  }

  private void check(X509Certificate[] chain, String side, PkixCheck pkixCheck)
      throws CertificateException {
    PeerIdentity identity = chain == null || chain.length == 0
        ? PeerIdentity.NONE : PeerIdentity.of(chain[0]);
    try {
      pkixCheck.run();
    } catch (CertificateException e) {
      logRefusal(identity, "TLS " + side + " certificate " + identity
          + " is not accepted: " + e.getMessage());
      throw e;
    }
    if (!allowed.isEmpty() && !identity.isIn(allowed)) {
      String why = "the TLS " + side + " certificate names " + identity
          + ", which is not one of the allowed identities " + allowed;
      logRefusal(identity, "refusing: " + why);
      throw new CertificateException(why);
    }
  }

  private void logRefusal(PeerIdentity identity, String line) {
    long nowMs = System.currentTimeMillis();
    Long previous = lastLoggedMs.get(identity);
    if (previous == null || nowMs - previous >= LOG_INTERVAL_MS) {
      if (lastLoggedMs.size() < 1_000) {
        lastLoggedMs.put(identity, nowMs);
      }
      LOG.warn("{}", line);
    }
  }
}
