package dev.sequent.protocol.wire;

import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a server answers a broken connection: tell the peer what was wrong, then close only that
 * channel. Meant for {@code exceptionCaught} of the last inbound handler, behind a {@link
 * FrameEncoder}.
 */
public final class ProtocolErrors {
  private static final Logger log = LoggerFactory.getLogger(ProtocolErrors.class);

  /** An error message longer than this is cut, so the reply frame stays small. */
  static final int MESSAGE_CHARS_MAX = 512;

  /** How deep to look for a {@link ProtocolException} among causes (wrappers are shallow). */
  private static final int CAUSE_DEPTH_MAX = 8;

  private ProtocolErrors() {}

  /**
   * Writes an {@code ErrorReply} and closes the channel once it is written (or at once when the
   * channel is no longer active).
   *
   * <p>A {@link ProtocolException} (anywhere among the first causes) answers with its outcome, its
   * request id and its message. Anything else is a fault of this node, answered as {@link
   * Outcome#INTERNAL} with request id 0 and without the exception's message, which may hold
   * internals.
   *
   * @return the future of the close
   */
  public static ChannelFuture replyAndClose(ChannelHandlerContext ctx, Throwable cause) {
    ProtocolException protocolError = findProtocolException(cause);
    Outcome outcome;
    long requestId;
    String message;
    if (protocolError != null) {
      outcome = protocolError.outcome();
      requestId = protocolError.requestId();
      message = String.valueOf(protocolError.getMessage());
      log.debug("protocol error from {}, closing: {} {}", ctx.channel().remoteAddress(), outcome,
          message);
    } else {
      outcome = Outcome.INTERNAL;
      requestId = 0;
      message = "internal error (" + cause.getClass().getSimpleName() + ")";
      log.warn("internal error on connection {}, closing", ctx.channel().remoteAddress(), cause);
    }
    if (!ctx.channel().isActive()) {
      return ctx.close();
    }
    ErrorReply reply = ErrorReply.newBuilder()
        .setOutcome(outcome.code())
        .setMessage(truncate(message))
        .build();
    return ctx.writeAndFlush(new Envelope(MessageType.ERROR_REPLY, requestId, reply))
        .addListener(ChannelFutureListener.CLOSE);
  }

  static ProtocolException findProtocolException(Throwable cause) {
    Throwable current = cause;
    for (int depth = 0; current != null && depth < CAUSE_DEPTH_MAX; depth++) {
      if (current instanceof ProtocolException) {
        return (ProtocolException) current;
      }
      current = current.getCause();
    }
    return null;
  }

  private static String truncate(String message) {
    return message.length() <= MESSAGE_CHARS_MAX
        ? message
        : message.substring(0, MESSAGE_CHARS_MAX - 3) + "...";
  }
}
