package dev.sequent.protocol.wire;

import dev.sequent.protocol.Outcome;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.Objects;

/**
 * A frame that breaks the protocol: too large, too short, another version, an unknown message type
 * or a body that does not parse.
 *
 * <p>It carries the {@link Outcome} to answer with and the request id when the header was read far
 * enough to know it (0 otherwise), so {@link ProtocolErrors#replyAndClose} can tell the peer
 * exactly what was wrong. The stream is out of sync after it: the connection must be closed.
 */
public final class ProtocolException extends CorruptedFrameException {
  private static final long serialVersionUID = 1L;

  private final Outcome outcome;
  private final long requestId;

  public ProtocolException(Outcome outcome, long requestId, String message) {
    this(outcome, requestId, message, null);
  }

  public ProtocolException(Outcome outcome, long requestId, String message, Throwable cause) {
    super(message, cause);
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.requestId = requestId;
  }

  /** The outcome to answer the peer with. */
  public Outcome outcome() {
    return outcome;
  }

  /** The request id of the offending frame, or 0 when the header did not get that far. */
  public long requestId() {
    return requestId;
  }
}
