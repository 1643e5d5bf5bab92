package dev.sequent.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.StatusRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Frames that break the protocol: each refused with its outcome, the stream ignored after. */
@ExtendWith(NettyLeakWatch.class)
class FrameDecoderRejectionTest {
  private static final byte[] STATUS_BODY = StatusRequest.newBuilder().setXid("x").build()
      .toByteArray();

  @Test
  void anOversizedLengthIsRejectedBeforeTheBytesArrive() {
    ByteBuf lengthOnly = Unpooled.buffer().writeInt(1_000_001);
    ProtocolException e = rejectOnly(new FrameDecoder(1_000_000), lengthOnly);
    assertEquals(Outcome.FRAME_TOO_LARGE, e.outcome());
    assertEquals(0, e.requestId());
    assertTrue(e.getMessage().contains("1000001"), e.getMessage());
  }

  @Test
  void aLengthAboveTheSignedIntRangeIsTooLargeNotNegative() {
    ByteBuf lengthOnly = Unpooled.buffer().writeInt(0xFFFF_FFF0);
    assertEquals(Outcome.FRAME_TOO_LARGE, rejectOnly(new FrameDecoder(), lengthOnly).outcome());
  }

  @Test
  void aLengthBelowTheHeaderIsMalformed() {
    ByteBuf frame = Unpooled.buffer().writeInt(WireFormat.HEADER_BYTES - 1).writeByte(1);
    ProtocolException e = rejectOnly(new FrameDecoder(), frame);
    assertEquals(Outcome.MALFORMED, e.outcome());
    assertEquals(0, e.requestId());
  }

  @Test
  void anotherVersionIsUnsupported() {
    ByteBuf frame = SampleMessages.rawFrame(WireFormat.HEADER_BYTES + STATUS_BODY.length, 2,
        MessageType.STATUS_REQUEST.code(), 77, STATUS_BODY);
    ProtocolException e = rejectOnly(new FrameDecoder(), frame);
    assertEquals(Outcome.UNSUPPORTED_VERSION, e.outcome());
    assertEquals(0, e.requestId(), "another version's header may put the id elsewhere");
  }

  @Test
  void anUnknownTypeIsRejectedWithItsRequestIdBeforeTheBody() {
    // The header says a 1000-byte body follows; the type is refused without waiting for it.
    ByteBuf header = SampleMessages.rawFrame(WireFormat.HEADER_BYTES + 1000, WireFormat.VERSION,
        42, 77, new byte[0]);
    ProtocolException e = rejectOnly(new FrameDecoder(), header);
    assertEquals(Outcome.UNKNOWN_MESSAGE_TYPE, e.outcome());
    assertEquals(77, e.requestId());
  }

  @Test
  void aBodyThatDoesNotParseIsMalformedWithItsRequestId() {
    // Field 1, length-delimited, claims 100 bytes but the body ends after 2.
    byte[] truncated = {0x0A, 100, 'x', 'y'};
    ByteBuf frame = SampleMessages.rawFrame(WireFormat.HEADER_BYTES + truncated.length,
        WireFormat.VERSION, MessageType.STATUS_REQUEST.code(), 88, truncated);
    ProtocolException e = rejectOnly(new FrameDecoder(), frame);
    assertEquals(Outcome.MALFORMED, e.outcome());
    assertEquals(88, e.requestId());
  }

  @Test
  void aStrayEndGroupTagIsMalformed() {
    // Tag of field 1 with wire type 4 (end group) stops a parser early; the rest must not vanish.
    byte[] body = {0x0C, 0x0A, 1, 'x'};
    ByteBuf frame = SampleMessages.rawFrame(WireFormat.HEADER_BYTES + body.length,
        WireFormat.VERSION, MessageType.STATUS_REQUEST.code(), 3, body);
    assertEquals(Outcome.MALFORMED, rejectOnly(new FrameDecoder(), frame).outcome());
  }

  @Test
  void inputAfterAnErrorIsIgnored() {
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    ByteBuf bad = SampleMessages.rawFrame(WireFormat.HEADER_BYTES, 9, 4, 1, new byte[0]);
    ByteBuf good = SampleMessages.rawFrame(MessageType.STATUS_REQUEST, 2,
        StatusRequest.getDefaultInstance());
    ByteBuf later = SampleMessages.rawFrame(MessageType.STATUS_REQUEST, 3,
        StatusRequest.getDefaultInstance());
    // A good frame behind the bad one in the same read, and another in a later read.
    ByteBuf both = Unpooled.wrappedBuffer(bad, good);
    assertThrows(ProtocolException.class, () -> decoder.writeInbound(both));
    assertFalse(decoder.writeInbound(later), "decoded a frame after the stream broke");
    assertNull(decoder.readInbound());
    FrameDecoder frameDecoder = decoder.pipeline().get(FrameDecoder.class);
    assertTrue(frameDecoder.isFailed());
    assertFalse(decoder.finishAndReleaseAll());
    assertEquals(0, both.refCnt());
    assertEquals(0, later.refCnt());
  }

  @Test
  void framesBeforeABadOneInTheSameReadAreStillDelivered() {
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    ByteBuf good = SampleMessages.rawFrame(MessageType.STATUS_REQUEST, 1,
        StatusRequest.getDefaultInstance());
    ByteBuf bad = Unpooled.buffer().writeInt(3);
    assertThrows(ProtocolException.class,
        () -> decoder.writeInbound(Unpooled.wrappedBuffer(good, bad)));
    Envelope first = decoder.readInbound();
    assertEquals(1, first.requestId());
    assertFalse(decoder.finishAndReleaseAll());
  }

  /**
   * Random bytes, some behind a plausible header, fed in random pieces: the only failure allowed
   * is a ProtocolException. Replay a failure with -Dseed=N.
   */
  @Test
  void garbageOnlyEverFailsWithProtocolException() {
    long seed = Long.getLong("seed", System.nanoTime());
    Random random = new Random(seed);
    for (int run = 0; run < 3_000; run++) {
      byte[] bytes = garbage(random);
      EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(4096));
      List<ByteBuf> chunks = new ArrayList<>();
      int offset = 0;
      boolean rejected = false;
      while (offset < bytes.length) {
        int piece = 1 + random.nextInt(bytes.length - offset);
        ByteBuf chunk = Unpooled.wrappedBuffer(bytes, offset, piece);
        chunks.add(chunk);
        offset += piece;
        try {
          decoder.writeInbound(chunk);
          assertFalse(rejected && decoder.inboundMessages().size() > 0,
              "decoded after a rejection, seed " + seed);
        } catch (ProtocolException expected) {
          rejected = true;
        } catch (RuntimeException other) {
          fail("seed " + seed + " run " + run + ": " + other, other);
        }
        for (Object message; (message = decoder.readInbound()) != null; ) {
          assertInstanceOf(Envelope.class, message);
        }
      }
      decoder.finishAndReleaseAll();
      for (ByteBuf chunk : chunks) {
        assertEquals(0, chunk.refCnt(), "a piece was not released, seed " + seed);
      }
    }
  }

  private static byte[] garbage(Random random) {
    byte[] bytes = new byte[random.nextInt(300)];
    random.nextBytes(bytes);
    if (bytes.length >= 14 && random.nextBoolean()) {
      // A header that passes, so the protobuf parser sees the garbage too.
      ByteBuf header = Unpooled.wrappedBuffer(bytes);
      header.writerIndex(0);
      header.writeInt(bytes.length - 4);
      header.writeByte(WireFormat.VERSION);
      header.writeByte(1 + random.nextInt(MessageType.values().length));
    }
    return bytes;
  }

  /** Feeds one buffer, expects a rejection and nothing decoded, and checks the buffer is freed. */
  private static ProtocolException rejectOnly(FrameDecoder frameDecoder, ByteBuf input) {
    EmbeddedChannel decoder = new EmbeddedChannel(frameDecoder);
    ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.writeInbound(input));
    assertNull(decoder.readInbound());
    assertFalse(decoder.finishAndReleaseAll());
    assertEquals(0, input.refCnt(), "the rejected input was not released");
    return e;
  }
}
