package dev.sequent.protocol.wire;

import static dev.sequent.protocol.wire.WireFormat.LENGTH_FIELD_BYTES;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Turns {@link Envelope}s into frames, the layout {@link FrameDecoder} reads:
 * {@code [u32 length][u8 version = 1][u8 type][u64 request id][protobuf body]}.
 *
 * <p>A message whose frame length would exceed {@code frameBytesMax} is refused with a {@link
 * FrameTooLargeException} (the write's promise fails) before any buffer is allocated: the peer
 * would only reject it and close the connection, failing every other request on it.
 */
public final class FrameEncoder extends MessageToByteEncoder<Envelope> {
  private final int frameBytesMax;

  /** An encoder with the default limit of {@link WireFormat#FRAME_BYTES_MAX_DEFAULT}. */
  public FrameEncoder() {
    this(WireFormat.FRAME_BYTES_MAX_DEFAULT);
  }

  /** An encoder that refuses frames whose length field would exceed {@code frameBytesMax}. */
  public FrameEncoder(int frameBytesMax) {
    super(Envelope.class);
    this.frameBytesMax = WireFormat.checkFrameBytesMax(frameBytesMax);
  }

  @Override
  protected ByteBuf allocateBuffer(
      ChannelHandlerContext ctx, Envelope envelope, boolean preferDirect) {
    long length = WireFormat.frameLength(envelope.message());
    if (length > frameBytesMax) {
      throw new FrameTooLargeException(
          envelope.type() + " (request " + envelope.requestId() + ")", length, frameBytesMax);
    }
    int frameBytes = LENGTH_FIELD_BYTES + (int) length;
    return preferDirect
        ? ctx.alloc().ioBuffer(frameBytes, frameBytes)
        : ctx.alloc().heapBuffer(frameBytes, frameBytes);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Envelope envelope, ByteBuf out)
      throws IOException {
    MessageLite message = envelope.message();
    // Serialized size is memoized by protobuf, so this is the size allocateBuffer checked.
    int bodyBytes = message.getSerializedSize();
    out.writeInt(WireFormat.HEADER_BYTES + bodyBytes);
    out.writeByte(WireFormat.VERSION);
    out.writeByte(envelope.type().code());
    out.writeLong(envelope.requestId());
    writeBody(message, bodyBytes, out);
  }

  private static void writeBody(MessageLite message, int bodyBytes, ByteBuf out)
      throws IOException {
    out.ensureWritable(bodyBytes);
    if (out.nioBufferCount() != 1) {
      message.writeTo(new ByteBufOutputStream(out));
      return;
    }
    int writerIndex = out.writerIndex();
    ByteBuffer target = out.nioBuffer(writerIndex, bodyBytes);
    CodedOutputStream output = CodedOutputStream.newInstance(target);
    message.writeTo(output);
    output.flush();
    output.checkNoSpaceLeft();
    out.writerIndex(writerIndex + bodyBytes);
  }
}
