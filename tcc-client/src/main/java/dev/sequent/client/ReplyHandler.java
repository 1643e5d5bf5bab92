package dev.sequent.client;

import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.tls.TlsFailures;
import dev.sequent.protocol.wire.Envelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: pairs each reply with its pending request by request id,
 * and fails every pending request when the connection ends.
 *
 * <p>Registration and the end of the connection both run on the channel's event loop, so a request
 * is either failed by {@link #channelInactive} or refused by {@link #register}, never lost between
 * them. Entries are removed from any thread when their attempt ends first (a timeout).
 */
final class ReplyHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ReplyHandler.class);

  /** Requests in flight on one connection; beyond this the node is not keeping up anyway. */
  static final int PENDING_MAX = 65_536;

  private final String node;
  private final Map<Long, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();
  private boolean inactive;
  private String closeReason = "the node closed the connection";
  /** Set when the peer refused this client's credentials: every pending request fails so. */
  private AttemptFailure refusal;

  ReplyHandler(String node) {
    this.node = node;
  }

  /**
   * Adds a pending request; on the channel's event loop only. Returns false (and fails the reply)
   * when the connection already ended or is full.
   */
  boolean register(long requestId, CompletableFuture<Envelope> reply) {
    if (inactive) {
      reply.completeExceptionally(closed("the connection to " + node + " closed before sending"));
      return false;
    }
    if (pending.size() >= PENDING_MAX) {
      reply.completeExceptionally(new AttemptFailure(AttemptFailure.Kind.CONNECTION_CLOSED,
          PENDING_MAX + " requests already in flight to " + node, null));
      return false;
    }
    pending.put(requestId, reply);
    reply.whenComplete((answer, failure) -> pending.remove(requestId, reply));
    return true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Envelope reply = (Envelope) msg;
    CompletableFuture<Envelope> waiter = pending.remove(reply.requestId());
    if (waiter != null) {
      waiter.complete(reply);
      return;
    }
    if (reply.requestId() == 0 && reply.type() == MessageType.ERROR_REPLY) {
      // The node refuses the connection as a whole and closes it; pending requests fail below.
      ErrorReply error = (ErrorReply) reply.message();
      Outcome outcome = Outcome.fromCode(error.getOutcome());
      closeReason = node + " refused the connection: " + outcome + " " + error.getMessage();
      if (outcome == Outcome.UNAUTHENTICATED || outcome == Outcome.PERMISSION_DENIED) {
        refusal = new AttemptFailure(AttemptFailure.Kind.REFUSED, outcome, closeReason, null);
      }
      log.warn("{}", closeReason);
      ctx.close();
      return;
    }
    log.debug("reply {} to request {} from {} came after its attempt ended; dropped",
        reply.type(), reply.requestId(), node);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    inactive = true;
    int failed = 0;
    for (Iterator<CompletableFuture<Envelope>> it = pending.values().iterator(); it.hasNext(); ) {
      CompletableFuture<Envelope> waiter = it.next();
      it.remove();
      failed += waiter.completeExceptionally(closed(closeReason)) ? 1 : 0;
    }
    log.debug("connection to {} closed ({}), {} requests in flight failed", node, closeReason,
        failed);
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
      tlsFailed(done.cause());
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A frame that breaks the protocol, an I/O error or a TLS failure: this connection is done.
    if (TlsFailures.isTlsFailure(cause)) {
      tlsFailed(cause);
    } else {
      closeReason = "connection to " + node + " failed: " + cause;
      log.debug("{}", closeReason);
    }
    ctx.close();
  }

  private void tlsFailed(Throwable cause) {
    if (refusal == null) {
      refusal = AttemptFailure.connectionEnded("connection to " + node, cause);
      closeReason = refusal.getMessage();
      log.warn("{}", closeReason);
    }
  }

  private AttemptFailure closed(String reason) {
    return refusal != null ? refusal
        : new AttemptFailure(AttemptFailure.Kind.CONNECTION_CLOSED, reason, null);
  }
}
