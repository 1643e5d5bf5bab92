package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny stand-in for the coordinator's leader: one pinned connection to a participant endpoint,
 * the real framing, requests paired with answers by request id. Calls can be pipelined (several
 * written before any answer is read), as the real dispatcher does within its window.
 */
final class TestLeader implements AutoCloseable {
  static final long WAIT_MS = 10_000;

  private final InetSocketAddress endpoint;
  private final EventLoopGroup group = new NioEventLoopGroup(1, (ThreadFactory)
      runnable -> new Thread(runnable, "test-leader-" + System.nanoTime()));
  private final Map<Long, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();
  private final AtomicLong requestIds = new AtomicLong();
  private final CompletableFuture<Envelope> connectionError = new CompletableFuture<>();
  private final ClientTls tls;
  private Channel channel;

  TestLeader(InetSocketAddress endpoint) throws InterruptedException {
    this(endpoint, null);
  }

  /** A leader that speaks TLS with the given credentials (null: plaintext). */
  TestLeader(InetSocketAddress endpoint, ClientTls tls) throws InterruptedException {
    this.endpoint = endpoint;
    this.tls = tls;
    connect();
  }

  /** Drops the connection and opens a new one, as a dispatcher does after a failure. */
  void reconnect() throws InterruptedException {
    channel.close().awaitUninterruptibly(WAIT_MS);
    connect();
  }

  private void connect() throws InterruptedException {
    channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc(), endpoint.getHostString(),
                  endpoint.getPort()));
            }
            ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new Answers());
          }
        })
        .connect(endpoint).sync().channel();
  }

  /** Writes one request; the future completes with its answer. */
  CompletableFuture<Envelope> send(MessageLite request) {
    long id = requestIds.incrementAndGet();
    CompletableFuture<Envelope> answer = new CompletableFuture<>();
    pending.put(id, answer);
    channel.writeAndFlush(Envelope.of(id, request));
    return answer.orTimeout(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  /** Sends one call and waits for its ack. */
  Phase2Ack call(Phase2Call call) throws Exception {
    return ack(send(call).get(WAIT_MS, TimeUnit.MILLISECONDS));
  }

  /** Writes every call before reading any ack, then returns the acks in call order. */
  List<Phase2Ack> pipeline(List<Phase2Call> calls) throws Exception {
    List<CompletableFuture<Envelope>> answers = new ArrayList<>();
    for (Phase2Call call : calls) {
      answers.add(send(call));
    }
    List<Phase2Ack> acks = new ArrayList<>();
    for (CompletableFuture<Envelope> answer : answers) {
      acks.add(ack(answer.get(WAIT_MS, TimeUnit.MILLISECONDS)));
    }
    return acks;
  }

  /** Writes raw bytes (no frame), then waits for the connection to end. */
  Envelope sendGarbageAndAwaitClose(byte[] bytes) throws Exception {
    channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    assertTrue(channel.closeFuture().awaitUninterruptibly(WAIT_MS), "the endpoint kept it open");
    return connectionError.getNow(null);
  }

  boolean isOpen() {
    return channel.isActive();
  }

  /** True when the endpoint closed the connection within the wait. */
  boolean closedByEndpoint() {
    return channel.closeFuture().awaitUninterruptibly(WAIT_MS);
  }

  /** An answer that came for no pending request (an error about the whole connection), or null. */
  Envelope connectionError() {
    return connectionError.getNow(null);
  }

  private static Phase2Ack ack(Envelope answer) {
    assertEquals(MessageType.PHASE2_ACK, answer.type(), "answer " + answer.message());
    return (Phase2Ack) answer.message();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(WAIT_MS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_MS);
  }

  private final class Answers extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Envelope answer = (Envelope) msg;
      CompletableFuture<Envelope> waiter = pending.remove(answer.requestId());
      if (waiter != null) {
        waiter.complete(answer);
      } else {
        connectionError.complete(answer);
      }
    }
  }
}
