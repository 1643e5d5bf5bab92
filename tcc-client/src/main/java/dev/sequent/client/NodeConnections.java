package dev.sequent.client;

import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.Flushes;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One connection per node, opened lazily, reused by every call, reopened after it closes. Requests
 * are pipelined on it and paired with replies by request id ({@link ReplyHandler}).
 *
 * <p>Nothing here blocks: connecting, resolving, writing and timing out all complete futures.
 */
final class NodeConnections implements AutoCloseable {
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final int frameBytesMax;
  /** TLS on every connection, or null for plaintext. */
  private final ClientTls tls;
  private final Map<InetSocketAddress, NodeConnection> byNode = new ConcurrentHashMap<>();

  NodeConnections(ClientConfig config, EventLoopGroup group, Executor resolverExecutor) {
    this.group = group;
    this.frameBytesMax = config.frameBytesMax();
    this.tls = config.tls();
    this.bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .resolver(new OffLoopResolverGroup(resolverExecutor))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(config.requestTimeoutMs(), Integer.MAX_VALUE));
  }

  /**
   * Sends one request to {@code node}. The future completes with the reply, or fails with an
   * {@link AttemptFailure} when the node cannot be reached, the connection closes, or no reply
   * came within {@code timeoutMs}.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the event loops are shut down
   */
  CompletableFuture<Envelope> send(InetSocketAddress node, Envelope request, long timeoutMs) {
    CompletableFuture<Envelope> reply = new CompletableFuture<>();
    ScheduledFuture<?> timer = group.schedule(
        () -> reply.completeExceptionally(new AttemptFailure(AttemptFailure.Kind.NO_REPLY,
            "no reply within " + timeoutMs + " ms", null)),
        timeoutMs, TimeUnit.MILLISECONDS);
    reply.whenComplete((answer, failure) -> timer.cancel(false));
    byNode.computeIfAbsent(node, NodeConnection::new).send(request, reply);
    return reply;
  }

  /** Closes every connection; their pending requests fail. */
  @Override
  public void close() {
    byNode.values().forEach(NodeConnection::close);
  }

  /**
   * The pipeline reads as the data flow: TLS when configured (the node's host name checked against
   * its certificate), frames in and out, then replies to their requests.
   */
  private ChannelInitializer<SocketChannel> pipeline(InetSocketAddress node) {
    String name = NodeDirectory.describe(node);
    return new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        channel.pipeline().addLast("flushes", Flushes.consolidating());
        if (tls != null) {
          channel.pipeline().addLast("tls",
              tls.newHandler(channel.alloc(), node.getHostString(), node.getPort()));
        }
        channel.pipeline()
            .addLast("frameDecoder", new FrameDecoder(frameBytesMax))
            .addLast("frameEncoder", new FrameEncoder(frameBytesMax))
            .addLast("replies", new ReplyHandler(name));
      }
    };
  }

  /** The connection to one node. */
  private final class NodeConnection {
    private final InetSocketAddress node;
    private final Bootstrap nodeBootstrap;
    private ChannelFuture current;
    private boolean closed;

    NodeConnection(InetSocketAddress node) {
      this.node = node;
      this.nodeBootstrap = bootstrap.clone().handler(pipeline(node));
    }

    void send(Envelope request, CompletableFuture<Envelope> reply) {
      ChannelFuture connecting = connect();
      if (connecting == null) {
        reply.completeExceptionally(new AttemptFailure(AttemptFailure.Kind.CONNECTION_CLOSED,
            "the client is closed", null));
        return;
      }
      // Listeners run on the channel's event loop, as does ReplyHandler's end of connection.
      connecting.addListener((ChannelFuture connected) -> {
        if (!connected.isSuccess()) {
          reply.completeExceptionally(new AttemptFailure(AttemptFailure.Kind.CONNECT_FAILED,
              "cannot connect to " + NodeDirectory.describe(node) + ": " + connected.cause(),
              connected.cause()));
          return;
        }
        write(connected.channel(), request, reply);
      });
    }

    /** The live or pending connection, opening a new one when there is none. */
    private synchronized ChannelFuture connect() {
      if (closed) {
        return null;
      }
      boolean usable = current != null
          && (!current.isDone() || (current.isSuccess() && current.channel().isActive()));
      if (!usable) {
        current = nodeBootstrap.connect(node);
      }
      return current;
    }

    private void write(Channel channel, Envelope request, CompletableFuture<Envelope> reply) {
      if (reply.isDone()) {
        return; // timed out (or the client closed) while connecting: nothing to send
      }
      ReplyHandler replies = channel.pipeline().get(ReplyHandler.class);
      if (replies == null) {
        reply.completeExceptionally(new AttemptFailure(AttemptFailure.Kind.CONNECTION_CLOSED,
            "the connection to " + NodeDirectory.describe(node) + " closed before sending", null));
        return;
      }
      if (!replies.register(request.requestId(), reply)) {
        return;
      }
      channel.writeAndFlush(request).addListener(written -> {
        if (!written.isSuccess()) {
          reply.completeExceptionally(AttemptFailure.connectionEnded(
              "cannot send to " + NodeDirectory.describe(node), written.cause()));
        }
      });
    }

    synchronized void close() {
      closed = true;
      if (current != null) {
        current.channel().close();
      }
    }
  }
}
