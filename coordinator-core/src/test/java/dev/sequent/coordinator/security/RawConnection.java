package dev.sequent.coordinator.security;

import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hand-driven wire connection (plaintext, or TLS with the given credentials) that sends any
 * frame and queues whatever comes back: replies, and the failure that ended the connection. What a
 * misbehaving or foreign peer would do, without any of the client library's checks.
 */
final class RawConnection implements AutoCloseable {
  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final Channel channel;

  RawConnection(InetSocketAddress address, ClientTls tls) throws InterruptedException {
    channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc(), address.getHostString(),
                  address.getPort()));
            }
            ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(),
                new SimpleChannelInboundHandler<Envelope>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Envelope reply) {
                    received.add(reply);
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    received.add(cause);
                    ctx.close();
                  }
                });
          }
        })
        .connect(address).sync().channel();
  }

  /** Sends one frame and returns the first thing that came back within 5 s, or null. */
  Object send(Envelope request) throws InterruptedException {
    channel.writeAndFlush(request);
    return received.poll(5, TimeUnit.SECONDS);
  }

  /** True when the other side closed the connection within 5 s. */
  boolean closedByPeer() {
    return channel.closeFuture().awaitUninterruptibly(5_000);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
