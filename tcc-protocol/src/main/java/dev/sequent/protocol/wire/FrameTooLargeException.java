package dev.sequent.protocol.wire;

import io.netty.handler.codec.EncoderException;

/**
 * Refusal to encode a frame above the frame limit: the peer would reject it and close the
 * connection, taking every other request on it down too, so it is never sent.
 */
public final class FrameTooLargeException extends EncoderException {
  private static final long serialVersionUID = 1L;

  private final long frameLength;
  private final int frameBytesMax;

  public FrameTooLargeException(String what, long frameLength, int frameBytesMax) {
    super(what + " needs a frame length of " + frameLength + " bytes, above frameBytesMax "
        + frameBytesMax);
    this.frameLength = frameLength;
    this.frameBytesMax = frameBytesMax;
  }

  /** The length field the frame would have had. */
  public long frameLength() {
    return frameLength;
  }

  /** The limit it broke. */
  public int frameBytesMax() {
    return frameBytesMax;
  }
}
