package dev.sequent.protocol.tls;

import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a TLS server connection. It looks at the first bytes: a TLS record makes it
 * replace itself by the {@link SslHandler} (which gets those bytes too); anything else is a peer
 * configured without TLS, told so in a plaintext error frame ({@code UNAUTHENTICATED}, request id
 * 0) it can decode, then closed. Without this the peer would only see its connection drop.
 */
final class TlsGate extends ByteToMessageDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(TlsGate.class);
  /** A TLS record header is five bytes; a Sequent frame header is longer. */
  private static final int PEEK_BYTES = 5;

  private final SslContext context;
  private final String portName;
  private boolean refused;

  TlsGate(SslContext context, String portName) {
    this.context = context;
    this.portName = portName;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < PEEK_BYTES) {
      return;
    }
    if (SslHandler.isEncrypted(in, false)) {
      // The bytes read so far are handed to the SslHandler when this decoder is removed.
      ctx.pipeline().replace(this, "tls", context.newHandler(ctx.alloc()));
      return;
    }
    refused = true;
    in.skipBytes(in.readableBytes());
    LOG.warn("{}: refusing a plaintext connection from {}: this port requires TLS", portName,
        ctx.channel().remoteAddress());
    ErrorReply reply = ErrorReply.newBuilder()
        .setOutcome(Outcome.UNAUTHENTICATED.code())
        .setMessage(portName + " requires TLS; this connection is plaintext (configure the"
            + " client with TLS and the cluster's trusted CA certificates)")
        .build();
    // Written from the tail, so the port's frame encoder encodes it; no SslHandler is in the way.
    ctx.channel().writeAndFlush(Envelope.of(0, reply)).addListener(ChannelFutureListener.CLOSE);
  }
}
