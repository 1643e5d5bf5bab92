package dev.sequent.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A server pipeline that answers broken input with an ErrorReply and closes only that channel. */
@ExtendWith(NettyLeakWatch.class)
class ProtocolErrorsTest {

  /** The last handler of a server pipeline: echoes frames, answers errors. */
  private static final class EchoOrError extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof String) {
        throw new IllegalStateException("secret internals");
      }
      ctx.writeAndFlush(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ProtocolErrors.replyAndClose(ctx, cause);
    }
  }

  @Test
  void aProtocolErrorIsAnsweredWithItsOutcomeAndRequestIdThenClosed() {
    EmbeddedChannel server = serverPipeline();
    ByteBuf unknownType = SampleMessages.rawFrame(WireFormat.HEADER_BYTES, WireFormat.VERSION,
        200, 31, new byte[0]);
    server.writeInbound(unknownType);
    ErrorReply reply = readErrorReply(server, 31);
    assertEquals(Outcome.UNKNOWN_MESSAGE_TYPE.code(), reply.getOutcome());
    assertTrue(reply.getMessage().contains("200"), reply.getMessage());
    assertFalse(server.isActive(), "the channel stays open after a protocol error");
    assertFalse(server.finishAndReleaseAll());
    assertEquals(0, unknownType.refCnt());
  }

  @Test
  void anyOtherFailureIsInternalWithoutItsMessage() {
    EmbeddedChannel server = serverPipeline();
    server.writeInbound("not an envelope");
    ErrorReply reply = readErrorReply(server, 0);
    assertEquals(Outcome.INTERNAL.code(), reply.getOutcome());
    assertFalse(reply.getMessage().contains("secret"), reply.getMessage());
    assertFalse(server.isActive());
    assertFalse(server.finishAndReleaseAll());
  }

  @Test
  void aGoodFrameBeforeTheErrorIsStillAnswered() {
    EmbeddedChannel server = serverPipeline();
    ByteBuf good = SampleMessages.rawFrame(MessageType.STATUS_REQUEST, 1,
        SampleMessages.sample(MessageType.STATUS_REQUEST));
    server.writeInbound(Unpooled.wrappedBuffer(good, Unpooled.buffer().writeInt(2)));
    ByteBuf echoed = server.readOutbound();
    assertEquals(MessageType.STATUS_REQUEST.code(), echoed.getUnsignedByte(5));
    echoed.release();
    assertEquals(Outcome.MALFORMED.code(), readErrorReply(server, 0).getOutcome());
    assertFalse(server.finishAndReleaseAll());
  }

  private static EmbeddedChannel serverPipeline() {
    return new EmbeddedChannel(new FrameDecoder(), new FrameEncoder(), new EchoOrError());
  }

  private static ErrorReply readErrorReply(EmbeddedChannel server, long requestId) {
    ByteBuf frame = server.readOutbound();
    EmbeddedChannel client = new EmbeddedChannel(new FrameDecoder());
    client.writeInbound(frame);
    Envelope envelope = client.readInbound();
    assertNull(client.readInbound());
    assertFalse(client.finishAndReleaseAll());
    assertEquals(0, frame.refCnt());
    assertEquals(MessageType.ERROR_REPLY, envelope.type());
    assertEquals(requestId, envelope.requestId());
    return (ErrorReply) envelope.message();
  }
}
