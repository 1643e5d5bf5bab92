package dev.sequent.client;

import com.google.protobuf.MessageLite;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import dev.sequent.protocol.wire.ProtocolErrors;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake coordinator node on 127.0.0.1 (ephemeral port) that speaks the real framing and answers
 * from a script: reply, reply late, close the connection, or say nothing.
 */
final class FakeNode implements AutoCloseable {

  /** What the node does with its {@code nth} request (counting from 1 across connections). */
  interface Script {
    Action answer(Envelope request, int nth);
  }

  /** One scripted reaction. */
  record Action(MessageLite reply, long delayMs, boolean closes, boolean sendsGarbage) {
    static Action reply(MessageLite reply) {
      return new Action(reply, 0, false, false);
    }

    static Action replyAfter(MessageLite reply, long delayMs) {
      return new Action(reply, delayMs, false, false);
    }

    static Action close() {
      return new Action(null, 0, true, false);
    }

    static Action ignore() {
      return new Action(null, 0, false, false);
    }

    /** Bytes that are no frame: a length far above any limit. */
    static Action garbage() {
      return new Action(null, 0, false, true);
    }
  }

  private final Channel server;
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Envelope> received = new CopyOnWriteArrayList<>();
  private volatile Script script;

  private FakeNode(EventLoopGroup group, Script script) throws InterruptedException {
    this.script = script;
    this.server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            connections.incrementAndGet();
            children.add(channel);
            channel.pipeline()
                .addLast(new FrameDecoder())
                .addLast(new FrameEncoder())
                .addLast(new ScriptedHandler());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .sync()
        .channel();
  }

  static FakeNode start(EventLoopGroup group, Script script) throws InterruptedException {
    return new FakeNode(group, script);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  void script(Script script) {
    this.script = script;
  }

  int requests() {
    return requests.get();
  }

  int connections() {
    return connections.get();
  }

  List<Envelope> received() {
    return received;
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private final class ScriptedHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Envelope request = (Envelope) msg;
      received.add(request);
      Action action = script.answer(request, requests.incrementAndGet());
      if (action.closes()) {
        ctx.close();
        return;
      }
      if (action.sendsGarbage()) {
        // The frame encoder passes raw buffers through untouched.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {-1, -1, -1, -1, 1, 2, 3}));
        return;
      }
      if (action.reply() == null) {
        return;
      }
      Envelope reply = Envelope.of(request.requestId(), action.reply());
      if (action.delayMs() > 0) {
        ctx.executor().schedule(() -> ctx.writeAndFlush(reply), action.delayMs(),
            TimeUnit.MILLISECONDS);
      } else {
        ctx.writeAndFlush(reply);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ProtocolErrors.replyAndClose(ctx, cause);
    }
  }
}
