package dev.sequent.coordinator.dispatch;

import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Decision;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A participant endpoint reduced to the rules the dispatcher relies on, over real sockets and the
 * real framing: it applies calls strictly in seq order, answers an applied seq again with the same
 * ack, answers a gap with SEQ_GAP and an older term than seen with STALE_TERM, and answers every
 * call once, in order. Knobs: fail every call (PHASE2_FAILED), cut the connection right after
 * applying given seqs, stop and start again on the same port.
 */
final class FakeParticipant implements AutoCloseable {

  /** One call as applied. */
  record Applied(long seq, String xid, String branchId, Decision decision,
      boolean operatorResolved, long term) {}

  final String name;
  volatile boolean failing;
  final Set<Long> cutAfter = ConcurrentHashMap.newKeySet();
  final AtomicInteger connections = new AtomicInteger();

  private final NioEventLoopGroup group;
  private final Set<Channel> children = ConcurrentHashMap.newKeySet();
  private Channel server;
  private int port;

  // Guarded by this: the fence.
  private long appliedSeq;
  private long highestTerm;
  private final List<Applied> applied = new ArrayList<>();
  private final Map<Long, Integer> received = new HashMap<>();
  private int gapsAnswered;

  FakeParticipant(String name) {
    this.name = name;
    this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("fake-participant-" + name,
        true));
  }

  /** Listens on 127.0.0.1:port (0: any free port). */
  FakeParticipant start(int wantedPort) throws InterruptedException {
    server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new Handler());
          }
        })
        .bind("127.0.0.1", wantedPort).sync().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
    return this;
  }

  /** Stops listening and drops every connection; the fence (applied seq, term) is kept. */
  void stop() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    for (Channel child : children) {
      child.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  int port() {
    return port;
  }

  synchronized void seeTerm(long term) {
    highestTerm = Math.max(highestTerm, term);
  }

  synchronized long appliedSeq() {
    return appliedSeq;
  }

  synchronized List<Applied> applied() {
    return List.copyOf(applied);
  }

  synchronized int received(long seq) {
    return received.getOrDefault(seq, 0);
  }

  synchronized int receivedTotal() {
    return received.values().stream().mapToInt(Integer::intValue).sum();
  }

  synchronized int gapsAnswered() {
    return gapsAnswered;
  }

  private synchronized Phase2Ack answer(Phase2Call call) {
    received.merge(call.getSeq(), 1, Integer::sum);
    if (!call.getParticipant().equals(name)) {
      return ack(call, Outcome.UNKNOWN_PARTICIPANT);
    }
    if (call.getTerm() < highestTerm) {
      return ack(call, Outcome.STALE_TERM);
    }
    highestTerm = call.getTerm();
    if (call.getSeq() <= appliedSeq) {
      return ack(call, Outcome.OK);
    }
    if (call.getSeq() > appliedSeq + 1) {
      gapsAnswered++;
      return ack(call, Outcome.SEQ_GAP);
    }
    if (failing && !call.getOperatorResolved()) {
      return ack(call, Outcome.PHASE2_FAILED);
    }
    appliedSeq = call.getSeq();
    applied.add(new Applied(call.getSeq(), call.getXid(), call.getBranchId(), call.getDecision(),
        call.getOperatorResolved(), call.getTerm()));
    return ack(call, Outcome.OK);
  }

  private Phase2Ack ack(Phase2Call call, Outcome outcome) {
    return Phase2Ack.newBuilder().setParticipant(name).setSeq(call.getSeq())
        .setAppliedSeq(appliedSeq).setTerm(highestTerm).setOutcome(outcome.code()).build();
  }

  private final class Handler extends SimpleChannelInboundHandler<Envelope> {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      connections.incrementAndGet();
      children.add(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      children.remove(ctx.channel());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Envelope envelope) {
      if (envelope.type() != MessageType.PHASE2_CALL) {
        ctx.close();
        return;
      }
      Phase2Call call = (Phase2Call) envelope.message();
      Phase2Ack ack = answer(call);
      var written = ctx.writeAndFlush(Envelope.of(envelope.requestId(), ack));
      if (ack.getOutcome() == Outcome.OK.code() && cutAfter.remove(call.getSeq())) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  @Override
  public void close() {
    stop();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
