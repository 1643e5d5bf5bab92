package dev.sequent.protocol.tls;

import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.wire.Envelope;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who a TLS server connection serves, once its handshake succeeded: it records the peer's
 * {@link PeerIdentity} in the channel attribute {@link PeerIdentity#KEY} and, when the port has an
 * allow-list, refuses any other identity: one WARN line, a {@code PERMISSION_DENIED} error frame,
 * close. Until then every inbound message is dropped, so no request is served for an unknown peer.
 * A failed handshake (an untrusted or missing certificate) is logged here once, and the channel
 * closed, instead of reaching the port's handler as an internal error.
 */
final class PeerIdentityCheck extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(PeerIdentityCheck.class);

  private final Set<String> allowed;
  private final String portName;
  private boolean admitted;

  PeerIdentityCheck(Set<String> allowed, String portName) {
    this.allowed = allowed;
    this.portName = portName;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        admit(ctx);
      } else {
        LOG.warn("{}: TLS handshake with {} failed, closing: {}", portName,
            ctx.channel().remoteAddress(), TlsFailures.describe(done.cause()));
        ctx.close();
      }
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!admitted) {
      // Only possible before the handshake event or after a refusal: nothing is served.
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (TlsFailures.isTlsFailure(cause)) {
      // The handshake event logs it; the port's handler would only call it an internal error.
      LOG.debug("{}: TLS failure on {}: {}", portName, ctx.channel().remoteAddress(),
          TlsFailures.describe(cause));
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private void admit(ChannelHandlerContext ctx) {
    PeerIdentity identity = peerIdentity(ctx);
    ctx.channel().attr(PeerIdentity.KEY).set(identity);
    if (!allowed.isEmpty() && !identity.isIn(allowed)) {
      LOG.warn("{}: refusing {}: its certificate names {}, which is not allowed on this port",
          portName, ctx.channel().remoteAddress(), identity);
      ErrorReply reply = ErrorReply.newBuilder()
          .setOutcome(Outcome.PERMISSION_DENIED.code())
          .setMessage(portName + " does not serve the certificate identity " + identity)
          .build();
      ctx.channel().writeAndFlush(Envelope.of(0, reply)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    admitted = true;
    LOG.debug("{}: admitted {} as {}", portName, ctx.channel().remoteAddress(), identity);
  }

  private static PeerIdentity peerIdentity(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return PeerIdentity.NONE;
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf
          ? PeerIdentity.of(leaf) : PeerIdentity.NONE;
    } catch (SSLPeerUnverifiedException e) {
      return PeerIdentity.NONE; // client certificates not required, and none presented
    }
  }
}
