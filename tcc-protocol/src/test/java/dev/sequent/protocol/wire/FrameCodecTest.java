package dev.sequent.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.BranchSpec;
import dev.sequent.protocol.proto.StatusRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Frames that follow the protocol: encoded, decoded, split and batched. */
@ExtendWith(NettyLeakWatch.class)
class FrameCodecTest {

  @ParameterizedTest
  @EnumSource(MessageType.class)
  void everyMessageTypeRoundTrips(MessageType type) {
    MessageLite message = SampleMessages.sample(type);
    Envelope sent = new Envelope(type, 0xFEDC_BA98_7654_3210L, message);
    ByteBuf frame = encode(sent, WireFormat.FRAME_BYTES_MAX_DEFAULT);
    // The encoder's bytes are exactly the documented layout.
    ByteBuf expected = SampleMessages.rawFrame(type, sent.requestId(), message);
    assertTrue(ByteBufUtil.equals(expected, frame), type + ": bytes differ from the layout");
    expected.release();

    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    decoder.writeInbound(frame);
    assertEquals(sent, decoder.readInbound());
    assertNull(decoder.readInbound());
    assertEquals(0, frame.refCnt());
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void aFrameSplitIntoOneBytePiecesDecodesOnce() {
    Envelope sent = Envelope.of(42, SampleMessages.sample(MessageType.BEGIN_REQUEST));
    ByteBuf frame = SampleMessages.rawFrame(sent.type(), sent.requestId(), sent.message());
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    int frameBytes = frame.readableBytes();
    for (int i = 0; i < frameBytes; i++) {
      decoder.writeInbound(frame.retainedSlice(i, 1));
      if (i < frameBytes - 1) {
        assertNull(decoder.readInbound(), "decoded before byte " + i + " of " + frameBytes);
      }
    }
    assertEquals(sent, decoder.readInbound());
    assertFalse(decoder.finishAndReleaseAll());
    frame.release();
    assertEquals(0, frame.refCnt());
  }

  @Test
  void severalFramesInOneBufferAllDecodeInOrder() {
    ByteBuf batch = Unpooled.buffer();
    List<Envelope> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Envelope envelope = Envelope.of(i, StatusRequest.newBuilder().setXid("x-" + i).build());
      sent.add(envelope);
      ByteBuf frame = SampleMessages.rawFrame(envelope.type(), i, envelope.message());
      batch.writeBytes(frame);
      frame.release();
    }
    // Plus the first half of one more frame, which must wait for the rest.
    ByteBuf tail = SampleMessages.rawFrame(MessageType.STATUS_REQUEST, 99,
        StatusRequest.newBuilder().setXid("tail").build());
    batch.writeBytes(tail, tail.readableBytes() / 2);

    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    decoder.writeInbound(batch);
    for (Envelope expected : sent) {
      assertEquals(expected, decoder.readInbound());
    }
    assertNull(decoder.readInbound());
    decoder.writeInbound(tail);
    Envelope last = decoder.readInbound();
    assertEquals(99, last.requestId());
    assertFalse(decoder.finishAndReleaseAll());
    assertEquals(0, batch.refCnt());
    assertEquals(0, tail.refCnt());
  }

  @Test
  void anEmptyBodyIsTheDefaultMessage() {
    ByteBuf frame = SampleMessages.rawFrame(WireFormat.HEADER_BYTES, WireFormat.VERSION,
        MessageType.STATUS_REQUEST.code(), 5, new byte[0]);
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    decoder.writeInbound(frame);
    assertEquals(new Envelope(MessageType.STATUS_REQUEST, 5, StatusRequest.getDefaultInstance()),
        decoder.readInbound());
    assertFalse(decoder.finishAndReleaseAll());
    assertEquals(0, frame.refCnt());
  }

  @Test
  void aFrameExactlyAtTheLimitPassesBothWays() {
    int frameBytesMax = 200;
    BeginRequest message = beginWithPayloadOfFrameLength(frameBytesMax);
    assertEquals(frameBytesMax, WireFormat.frameLength(message));
    Envelope sent = Envelope.of(1, message);
    ByteBuf frame = encode(sent, frameBytesMax);
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(frameBytesMax));
    decoder.writeInbound(frame);
    assertEquals(sent, decoder.readInbound());
    assertFalse(decoder.finishAndReleaseAll());
    assertEquals(0, frame.refCnt());
  }

  @Test
  void theEncoderRefusesAFrameOverTheLimit() {
    int frameBytesMax = 200;
    Envelope tooBig = Envelope.of(7, beginWithPayloadOfFrameLength(frameBytesMax + 1));
    EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(frameBytesMax));
    ChannelFuture write = encoder.writeOneOutbound(tooBig);
    encoder.flushOutbound();
    assertTrue(write.isDone());
    FrameTooLargeException refused = assertInstanceOf(FrameTooLargeException.class, write.cause());
    assertEquals(frameBytesMax + 1, refused.frameLength());
    assertTrue(refused.getMessage().contains("frameBytesMax 200"), refused.getMessage());
    assertNull(encoder.readOutbound(), "nothing may reach the socket");
    assertFalse(encoder.finishAndReleaseAll());
  }

  private static ByteBuf encode(Envelope envelope, int frameBytesMax) {
    EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(frameBytesMax));
    assertTrue(encoder.writeOutbound(envelope));
    ByteBuf frame = encoder.readOutbound();
    assertFalse(encoder.finishAndReleaseAll());
    return frame;
  }

  /** A begin request whose frame length is exactly {@code frameLength}. */
  private static BeginRequest beginWithPayloadOfFrameLength(int frameLength) {
    for (int payloadBytes = 0; payloadBytes < frameLength; payloadBytes++) {
      BeginRequest message = BeginRequest.newBuilder().setXid("x").addBranches(
          BranchSpec.newBuilder().setBranchId("b").setParticipant("p")
              .setPayload(ByteString.copyFrom(new byte[payloadBytes]))).build();
      if (WireFormat.frameLength(message) == frameLength) {
        return message;
      }
    }
    throw new AssertionError("no payload size gives frame length " + frameLength);
  }
}
