package dev.sequent.protocol.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * TLS for the connections a Sequent peer opens (a client to a node, a node to a participant
 * endpoint): the server's chain must lead to a trusted CA and its certificate must name the host
 * that was dialled (HTTPS-style host name check, so IP addresses need an IP subject alternative
 * name). The peer presents its own certificate when it has one, for servers that require it.
 */
public final class ClientTls {
  private final SslContext context;

  private ClientTls(SslContext context) {
    this.context = context;
  }

  /** @throws IllegalArgumentException when the context cannot be built from the settings */
  public static ClientTls of(TlsSettings settings) {
    Objects.requireNonNull(settings, "settings");
    try {
      SslContextBuilder builder = SslContextBuilder.forClient()
          .trustManager(settings.pkixTrustManager())
          .protocols(TlsSettings.PROTOCOLS)
          .endpointIdentificationAlgorithm("HTTPS");
      if (settings.hasCertificate()) {
        builder.keyManager(settings.privateKey(), settings.certChain());
      }
      return new ClientTls(builder.build());
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot build the TLS client context: "
          + e.getMessage(), e);
    }
  }

  /** The first handler of a connection to {@code host}:{@code port} (one per connection). */
  public SslHandler newHandler(ByteBufAllocator allocator, String host, int port) {
    return context.newHandler(allocator, host, port);
  }
}
