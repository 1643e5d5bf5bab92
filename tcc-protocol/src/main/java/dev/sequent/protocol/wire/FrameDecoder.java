package dev.sequent.protocol.wire;

import static dev.sequent.protocol.wire.WireFormat.HEADER_BYTES;
import static dev.sequent.protocol.wire.WireFormat.LENGTH_FIELD_BYTES;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Turns bytes into {@link Envelope}s, one per frame.
 *
 * <p>Frame layout (all integers big-endian):
 *
 * <pre>
 * [u32 length][u8 version = 1][u8 message type][u64 request id][protobuf body]
 * </pre>
 *
 * <p>{@code length} counts version, type, request id and body, so it is at least 10; the body is
 * {@code length - 10} bytes. The decoder waits for whole frames (a frame may arrive in any number
 * of reads, several frames in one read) and checks in this order, each before buffering more:
 *
 * <ol>
 *   <li>{@code length > frameBytesMax}: {@link Outcome#FRAME_TOO_LARGE}, as soon as the 4 length
 *       bytes are in, without waiting for the rest;
 *   <li>{@code length < 10}: {@link Outcome#MALFORMED};
 *   <li>{@code version != 1}: {@link Outcome#UNSUPPORTED_VERSION} (request id unknown: another
 *       version may lay the header out differently);
 *   <li>an unknown type code: {@link Outcome#UNKNOWN_MESSAGE_TYPE};
 *   <li>once the whole frame is in, a body that does not parse as the type's message: {@link
 *       Outcome#MALFORMED}.
 * </ol>
 *
 * <p>Each rejection throws a {@link ProtocolException} with the outcome and the request id when it
 * is known (0 otherwise). After the first rejection the stream is out of sync, so the decoder drops
 * all further input of the channel and decodes nothing more; the handler is expected to answer and
 * close (see {@link ProtocolErrors#replyAndClose}). The body is parsed from the frame's own bytes
 * with a bounded {@link CodedInputStream}, so a length inside the body can never make it read or
 * allocate past the frame.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final int frameBytesMax;
  private boolean failed;

  /** A decoder with the default limit of {@link WireFormat#FRAME_BYTES_MAX_DEFAULT}. */
  public FrameDecoder() {
    this(WireFormat.FRAME_BYTES_MAX_DEFAULT);
  }

  /** A decoder that rejects frames whose length field exceeds {@code frameBytesMax}. */
  public FrameDecoder(int frameBytesMax) {
    this.frameBytesMax = WireFormat.checkFrameBytesMax(frameBytesMax);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      Envelope envelope = decodeFrame(in);
      if (envelope != null) {
        out.add(envelope);
      }
    } catch (ProtocolException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  /** True once a frame was rejected: everything after it is dropped. */
  public boolean isFailed() {
    return failed;
  }

  /** Decodes one frame from the front of {@code in}, or returns null when it is not all there. */
  private Envelope decodeFrame(ByteBuf in) {
    if (in.readableBytes() < LENGTH_FIELD_BYTES) {
      return null;
    }
    int start = in.readerIndex();
    long length = in.getUnsignedInt(start);
    if (length > frameBytesMax) {
      throw new ProtocolException(Outcome.FRAME_TOO_LARGE, 0,
          "frame length " + length + " exceeds frameBytesMax " + frameBytesMax);
    }
    if (length < HEADER_BYTES) {
      throw new ProtocolException(Outcome.MALFORMED, 0,
          "frame length " + length + " is below the header size " + HEADER_BYTES);
    }
    if (in.readableBytes() < LENGTH_FIELD_BYTES + HEADER_BYTES) {
      return null;
    }
    int version = in.getUnsignedByte(start + LENGTH_FIELD_BYTES);
    if (version != WireFormat.VERSION) {
      throw new ProtocolException(Outcome.UNSUPPORTED_VERSION, 0,
          "frame version " + version + " is not supported; this peer speaks version "
              + WireFormat.VERSION);
    }
    int code = in.getUnsignedByte(start + LENGTH_FIELD_BYTES + 1);
    long requestId = in.getLong(start + LENGTH_FIELD_BYTES + 2);
    MessageType type = MessageType.fromCode(code).orElseThrow(() -> new ProtocolException(
        Outcome.UNKNOWN_MESSAGE_TYPE, requestId, "unknown message type code " + code));
    int frameBytes = LENGTH_FIELD_BYTES + (int) length;
    if (in.readableBytes() < frameBytes) {
      return null;
    }
    int bodyStart = start + LENGTH_FIELD_BYTES + HEADER_BYTES;
    MessageLite message = parseBody(type, requestId, in, bodyStart, (int) length - HEADER_BYTES);
    in.skipBytes(frameBytes);
    return new Envelope(type, requestId, message);
  }

  private static MessageLite parseBody(
      MessageType type, long requestId, ByteBuf in, int index, int bodyBytes) {
    try {
      CodedInputStream input = boundedInput(in, index, bodyBytes);
      MessageLite message = type.parser().parseFrom(input);
      // A parser stops early at a stray end-group tag; the whole body must be one message.
      input.checkLastTagWas(0);
      return message;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ProtocolException(Outcome.MALFORMED, requestId,
          type + " body of " + bodyBytes + " bytes does not parse: " + e.getMessage(), e);
    }
  }

  /**
   * A stream over exactly the body bytes. Protobuf checks every inner length against what is left
   * of this input, so garbage cannot make it allocate more than the frame (itself bounded). Bytes
   * are copied out of the buffer (no aliasing), so the message outlives the buffer.
   */
  private static CodedInputStream boundedInput(ByteBuf in, int index, int bodyBytes) {
    CodedInputStream input;
    if (in.hasArray()) {
      input = CodedInputStream.newInstance(in.array(), in.arrayOffset() + index, bodyBytes);
    } else if (in.nioBufferCount() == 1) {
      input = CodedInputStream.newInstance(in.nioBuffer(index, bodyBytes));
    } else {
      byte[] copy = new byte[bodyBytes];
      in.getBytes(index, copy);
      input = CodedInputStream.newInstance(copy);
    }
    input.setSizeLimit(bodyBytes);
    return input;
  }
}
