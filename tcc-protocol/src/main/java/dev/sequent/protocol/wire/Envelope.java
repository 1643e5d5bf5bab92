package dev.sequent.protocol.wire;

import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import java.util.Objects;

/**
 * One decoded frame, or one frame to encode: what the pipelines of clients and nodes pass around.
 *
 * <p>{@code requestId} pairs a reply with its request on one connection; the requester chooses it.
 * Zero means "no request", used by an {@code ErrorReply} about the connection as a whole (for
 * example a frame whose request id could not be read). The message holds no reference-counted
 * memory, so an envelope needs no release.
 *
 * @param type the message type, which must match the class of {@code message}
 * @param requestId the request id, any 64-bit value (unsigned on the wire)
 * @param message the body
 */
public record Envelope(MessageType type, long requestId, MessageLite message) {

  public Envelope {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
    if (!type.messageClass().isInstance(message)) {
      throw new IllegalArgumentException(
          type + " carries " + type.messageClass().getSimpleName() + ", not "
              + message.getClass().getSimpleName());
    }
  }

  /** An envelope whose type is derived from the message's class. */
  public static Envelope of(long requestId, MessageLite message) {
    return new Envelope(MessageType.of(message), requestId, message);
  }
}
