package dev.sequent.protocol.tls;

import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * TLS for one server port of Sequent (a node's client port, a participant endpoint): its SSL
 * context and the two handlers its pipeline adds, in this order:
 *
 * <pre>
 * newGate() | frame decoder | frame encoder | newIdentityCheck() | the port's handler
 * </pre>
 *
 * <p>The gate turns into the {@code SslHandler} when the peer speaks TLS and refuses a plaintext
 * peer with an {@code UNAUTHENTICATED} error frame it can read. The identity check runs once the
 * handshake succeeded: it records the peer's {@link PeerIdentity} on the channel and, when the
 * port has an allow-list, refuses any other identity with a {@code PERMISSION_DENIED} error frame
 * and closes. No request reaches the port's handler before the check passed.
 */
public final class ServerTls {
  private final SslContext context;
  private final boolean clientCertRequired;
  private final Set<String> allowed;
  private final String portName;

  private ServerTls(SslContext context, boolean clientCertRequired, Set<String> allowed,
      String portName) {
    this.context = context;
    this.clientCertRequired = clientCertRequired;
    this.allowed = allowed;
    this.portName = portName;
  }

  /**
   * @param settings this server's certificate and the CAs it trusts for client certificates
   * @param clientCertRequired mutual TLS: clients must present a certificate a trusted CA signed
   * @param allowed identities allowed to connect; empty allows any client the TLS layer accepts
   * @param portName what the port is, for log lines ("client port of n1")
   * @throws IllegalArgumentException when settings has no certificate, or allowed is not empty
   *     while client certificates are not required (there would be no identity to check)
   */
  public static ServerTls of(TlsSettings settings, boolean clientCertRequired,
      Set<String> allowed, String portName) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(portName, "portName");
    if (!settings.hasCertificate()) {
      throw new IllegalArgumentException(portName + ": a TLS server needs a certificate and key");
    }
    if (!allowed.isEmpty() && !clientCertRequired) {
      throw new IllegalArgumentException(portName + ": an identity allow-list needs client"
          + " certificates to be required (without one a client has no identity to check)");
    }
    try {
      SslContext context = SslContextBuilder
          .forServer(settings.privateKey(), settings.certChain())
          .trustManager(settings.pkixTrustManager())
          .clientAuth(clientCertRequired ? ClientAuth.REQUIRE : ClientAuth.NONE)
          .protocols(TlsSettings.PROTOCOLS)
          .build();
      return new ServerTls(context, clientCertRequired, Set.copyOf(allowed), portName);
    } catch (SSLException e) {
      throw new IllegalArgumentException(portName + ": cannot build the TLS server context: "
          + e.getMessage(), e);
    }
  }

  /** The first handler of a new connection's pipeline (one per connection). */
  public ChannelHandler newGate() {
    return new TlsGate(context, portName);
  }

  /** The handler after the frame codec that checks the peer's identity (one per connection). */
  public ChannelHandler newIdentityCheck() {
    return new PeerIdentityCheck(allowed, portName);
  }

  public boolean clientCertRequired() {
    return clientCertRequired;
  }

  /** Identities allowed to connect; empty: any client the TLS layer accepts. */
  public Set<String> allowed() {
    return allowed;
  }
}
