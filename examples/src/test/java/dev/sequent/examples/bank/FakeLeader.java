package dev.sequent.examples.bank;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Decision;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.proto.TryReply;
import dev.sequent.protocol.proto.TryRequest;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the coordinator's leader (and for an initiator's try) on one connection to a
 * participant endpoint, with the real framing: the tests choose each call's seq and term, so they
 * can send exactly the duplicates and orders a leader would send after failures.
 */
final class FakeLeader implements AutoCloseable {
  static final long WAIT_MS = 10_000;
  static final long TERM = 1;

  private final String participant;
  private final EventLoopGroup group = new NioEventLoopGroup(1,
      (ThreadFactory) runnable -> new Thread(runnable, "fake-leader-io"));
  private final Map<Long, CompletableFuture<MessageLite>> pending = new ConcurrentHashMap<>();
  private final AtomicLong requestIds = new AtomicLong();
  private final Channel channel;

  FakeLeader(String participant, InetSocketAddress endpoint) throws InterruptedException {
    this.participant = participant;
    this.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(),
                new SimpleChannelInboundHandler<Envelope>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Envelope answer) {
                    CompletableFuture<MessageLite> waiter = pending.remove(answer.requestId());
                    if (waiter != null) {
                      waiter.complete(answer.message());
                    }
                  }
                });
          }
        })
        .connect(endpoint).sync().channel();
  }

  /** Runs the try of a branch, as an initiator's client would; answers its outcome. */
  Outcome tryLeg(String xid, String branchId, Leg leg) throws Exception {
    TryReply reply = (TryReply) send(TryRequest.newBuilder().setXid(xid).setBranchId(branchId)
        .setParticipant(participant).setPayload(ByteString.copyFrom(leg.toBytes())).build());
    return Outcome.fromCode(reply.getOutcome());
  }

  Phase2Ack confirm(long seq, String xid, String branchId, Leg leg) throws Exception {
    return phaseTwo(seq, xid, branchId, leg, Decision.CONFIRM);
  }

  Phase2Ack cancel(long seq, String xid, String branchId, Leg leg) throws Exception {
    return phaseTwo(seq, xid, branchId, leg, Decision.CANCEL);
  }

  private Phase2Ack phaseTwo(long seq, String xid, String branchId, Leg leg, Decision decision)
      throws Exception {
    return (Phase2Ack) send(Phase2Call.newBuilder().setParticipant(participant).setSeq(seq)
        .setTerm(TERM).setXid(xid).setBranchId(branchId).setDecision(decision)
        .setPayload(ByteString.copyFrom(leg.toBytes())).build());
  }

  private MessageLite send(MessageLite request) throws Exception {
    long id = requestIds.incrementAndGet();
    CompletableFuture<MessageLite> answer = new CompletableFuture<>();
    pending.put(id, answer);
    channel.writeAndFlush(Envelope.of(id, request));
    return answer.get(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(WAIT_MS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_MS);
  }
}
