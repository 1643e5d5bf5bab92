package dev.sequent.bench.micro;

import com.google.protobuf.ByteString;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.BranchPhase2State;
import dev.sequent.protocol.proto.BranchSpec;
import dev.sequent.protocol.proto.BranchView;
import dev.sequent.protocol.proto.TxnReply;
import dev.sequent.protocol.proto.TxnState;
import dev.sequent.protocol.proto.TxnView;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the client wire costs per request: a {@code BeginRequest} (UUID xid, two branches with
 * bank-demo payloads) and its {@code TxnReply} (the txn view, TRYING, two branches) through the
 * real {@link FrameEncoder} and {@link FrameDecoder}, in an {@link EmbeddedChannel} (so each score
 * includes that channel's pipeline overhead, a few hundred nanoseconds at most).
 *
 * <ul>
 *   <li>{@code encode*}: build the message, as the client (begin) or the ingress (reply) does for
 *       every request, then frame it into a pooled direct buffer (the encoder's default), which
 *       is released.
 *   <li>{@code decode*}: decode one whole frame from a pooled direct buffer (as bytes come off a
 *       socket) into an {@link Envelope}; the decoder releases the buffer.
 * </ul>
 *
 * <p>Why it matters: every begin, register, decide and status request crosses this codec twice on
 * each side, on Netty event loops shared by all connections of a node or client. A regression
 * shows as higher latency for every request and fewer requests per event-loop thread.
 *
 * <p>No leaks: the tear-down checks that every retained duplicate of the prepared frames was
 * released (their reference count is back to one) and that the channel holds nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WireCodecBenchmark {

  private static final long TXN = 4242;
  private static final String XID = TccWorkload.xid(TXN);
  private static final ByteString DEBIT =
      ByteString.copyFrom("DEBIT acct-0004242 250", StandardCharsets.US_ASCII);
  private static final ByteString CREDIT =
      ByteString.copyFrom("CREDIT acct-0004242 250", StandardCharsets.US_ASCII);

  private EmbeddedChannel channel;
  private ByteBuf beginFrame;
  private ByteBuf replyFrame;
  private long requestId;

  @Setup
  public void prepareFrames() {
    channel = new EmbeddedChannel(new FrameDecoder(), new FrameEncoder());
    beginFrame = encode(Envelope.of(1, beginRequest()));
    replyFrame = encode(Envelope.of(1, txnReply()));
    // Round trip once: the prepared frames must decode to what was encoded.
    requireSame(beginRequest(), decode(beginFrame));
    requireSame(txnReply(), decode(replyFrame));
  }

  @TearDown
  public void releaseFrames() {
    for (ByteBuf frame : new ByteBuf[] {beginFrame, replyFrame}) {
      if (frame.refCnt() != 1) {
        throw new IllegalStateException("leak: a frame duplicate was not released, refCnt "
            + frame.refCnt());
      }
      frame.release();
    }
    if (channel.finishAndReleaseAll()) {
      throw new IllegalStateException("leak: the channel still held messages");
    }
  }

  @Benchmark
  public int encodeBeginRequest() {
    ByteBuf frame = encode(Envelope.of(++requestId, beginRequest()));
    int bytes = frame.readableBytes();
    frame.release();
    return bytes;
  }

  @Benchmark
  public Envelope decodeBeginRequest() {
    return decode(beginFrame);
  }

  @Benchmark
  public int encodeTxnReply() {
    ByteBuf frame = encode(Envelope.of(++requestId, txnReply()));
    int bytes = frame.readableBytes();
    frame.release();
    return bytes;
  }

  @Benchmark
  public Envelope decodeTxnReply() {
    return decode(replyFrame);
  }

  private ByteBuf encode(Envelope envelope) {
    channel.writeOutbound(envelope);
    return channel.readOutbound();
  }

  /** Feeds a retained duplicate (shared bytes, own indices), which the decoder releases. */
  private Envelope decode(ByteBuf frame) {
    channel.writeInbound(frame.retainedDuplicate());
    return channel.readInbound();
  }

  private static BeginRequest beginRequest() {
    return BeginRequest.newBuilder()
        .setXid(XID)
        .setTimeoutMs(TccWorkload.TIMEOUT_MS)
        .addBranches(BranchSpec.newBuilder()
            .setBranchId("debit").setParticipant("bank-2").setPayload(DEBIT))
        .addBranches(BranchSpec.newBuilder()
            .setBranchId("credit").setParticipant("bank-3").setPayload(CREDIT))
        .build();
  }

  private static TxnReply txnReply() {
    long beganAtMs = 1_700_000_000_000L;
    return TxnReply.newBuilder()
        .setOutcome(Outcome.OK.code())
        .setTxn(TxnView.newBuilder()
            .setXid(XID)
            .setState(TxnState.TRYING)
            .setBeganAtMs(beganAtMs)
            .setDeadlineMs(beganAtMs + TccWorkload.TIMEOUT_MS)
            .addBranches(branchView("debit", "bank-2", DEBIT.size()))
            .addBranches(branchView("credit", "bank-3", CREDIT.size())))
        .build();
  }

  private static BranchView branchView(String branchId, String participant, int payloadBytes) {
    return BranchView.newBuilder()
        .setBranchId(branchId)
        .setParticipant(participant)
        .setPhase2State(BranchPhase2State.NOT_DECIDED)
        .setPayloadBytes(payloadBytes)
        .build();
  }

  private static void requireSame(Object expected, Envelope decoded) {
    if (decoded == null || !decoded.message().equals(expected)) {
      throw new IllegalStateException("frame does not round-trip: " + decoded);
    }
  }
}
