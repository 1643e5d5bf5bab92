package dev.sequent.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the wire edge: the frame decoder and, through it, every message
 * type's protobuf codec. Any bytes, split into reads of any size: each complete frame decodes to
 * an envelope whose message re-encodes through {@link FrameEncoder} and decodes to an equal
 * envelope; anything else ends in exactly one {@link ProtocolException} with an outcome, after
 * which nothing more decodes; no other exception escapes; every buffer written is released; no
 * decoded body is larger than the frame limit.
 *
 * <p>In a normal test run this replays the kept inputs in {@code FrameDecoderFuzzTestInputs}
 * (hand-made seeds and any crash Jazzer found); with {@code JAZZER_FUZZ=1} it fuzzes (see the
 * module's pom for the CI execution and {@code -Dfuzz.duration}).
 */
class FrameDecoderFuzzTest {
  /** A small limit, so the fuzzer reaches FRAME_TOO_LARGE with short inputs. */
  static final int FRAME_BYTES_MAX = 4096;

  @FuzzTest(maxDuration = "15s")
  void anyBytesDecodeIntoFramesOrOneClearRejection(FuzzedDataProvider data) {
    int readBytesMax = data.consumeInt(1, 64);
    boolean direct = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX));
    List<ByteBuf> written = new ArrayList<>();
    List<Envelope> decoded = new ArrayList<>();
    ProtocolException rejected = null;
    int decodedBeforeRejection = -1;
    for (int offset = 0; offset < bytes.length; offset += readBytesMax) {
      int length = Math.min(readBytesMax, bytes.length - offset);
      ByteBuf read = direct ? Unpooled.directBuffer(length) : Unpooled.buffer(length);
      read.writeBytes(bytes, offset, length);
      written.add(read);
      try {
        channel.writeInbound(read);
      } catch (DecoderException e) {
        if (!(e instanceof ProtocolException)) {
          throw new AssertionError("not a ProtocolException: " + e, e);
        }
        if (rejected != null) {
          fail("a second rejection after " + rejected.outcome() + ": " + e);
        }
        rejected = (ProtocolException) e;
      }
      boolean wasRejected = rejected != null && decodedBeforeRejection >= 0;
      for (Object out = channel.readInbound(); out != null; out = channel.readInbound()) {
        assertTrue(!wasRejected, "nothing decodes after a rejection: " + out);
        decoded.add((Envelope) out);
      }
      if (rejected != null && decodedBeforeRejection < 0) {
        decodedBeforeRejection = decoded.size();
      }
    }
    channel.finishAndReleaseAll();
    for (ByteBuf read : written) {
      assertEquals(0, read.refCnt(), "every buffer written is released");
    }
    if (rejected != null) {
      assertTrue(rejected.outcome() != null && !rejected.outcome().isTransient(),
          "a rejection names a permanent outcome: " + rejected);
    }
    for (Envelope envelope : decoded) {
      assertTrue(envelope.message().getSerializedSize() <= FRAME_BYTES_MAX,
          "a body within the frame limit");
      assertEquals(envelope, roundTrip(envelope), "an envelope re-encodes to itself");
    }
  }

  private static Envelope roundTrip(Envelope envelope) {
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(FRAME_BYTES_MAX));
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX));
    try {
      out.writeOutbound(envelope);
      for (Object frame = out.readOutbound(); frame != null; frame = out.readOutbound()) {
        in.writeInbound(frame);
      }
      return in.readInbound();
    } finally {
      out.finishAndReleaseAll();
      in.finishAndReleaseAll();
    }
  }
}
