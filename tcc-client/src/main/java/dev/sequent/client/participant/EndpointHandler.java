package dev.sequent.client.participant;

import com.google.protobuf.MessageLite;
import dev.sequent.client.TryResult;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.proto.TryReply;
import dev.sequent.protocol.proto.TryRequest;
import dev.sequent.protocol.tls.PeerIdentity;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.ProtocolErrors;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a participant endpoint's connection: hands tries to the try pool and
 * phase-2 calls to their participant's thread, and writes each answer with its request's id.
 *
 * <p>Nothing here blocks or touches a database: the event loop only looks up the participant and
 * queues the work. A full queue is answered at once with OVERLOADED (transient, so the sender
 * retries); a frame that breaks the protocol closes this connection only.
 */
final class EndpointHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(EndpointHandler.class);

  /**
   * Who may send what, by certificate identity ({@link PeerIdentity}): phase-2 calls only from the
   * cluster's identities, tries only from the allowed initiators. An empty set allows any peer
   * the TLS layer accepted (or anyone, on a plaintext endpoint).
   */
  record Access(Set<String> clusterIdentities, Set<String> tryClients) {
    Access {
      clusterIdentities = Set.copyOf(clusterIdentities);
      tryClients = Set.copyOf(tryClients);
    }

    /**
     * Identities that may connect at all: anyone when either kind of request is open to any
     * peer, else the two lists together.
     */
    Set<String> connectionAllowList() {
      if (clusterIdentities.isEmpty() || tryClients.isEmpty()) {
        return Set.of();
      }
      Set<String> union = new HashSet<>(clusterIdentities);
      union.addAll(tryClients);
      return Set.copyOf(union);
    }
  }

  private final Map<String, HostedParticipant> participants;
  private final Executor tries;
  private final BooleanSupplier closing;
  private final Access access;

  EndpointHandler(Map<String, HostedParticipant> participants, Executor tries,
      BooleanSupplier closing, Access access) {
    this.participants = participants;
    this.tries = tries;
    this.closing = closing;
    this.access = access;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Envelope request = (Envelope) msg;
    switch (request.type()) {
      case PHASE2_CALL:
        if (permitted(ctx, request, access.clusterIdentities(), "the cluster's nodes")) {
          onPhase2Call(ctx, request.requestId(), (Phase2Call) request.message());
        }
        break;
      case TRY_REQUEST:
        if (permitted(ctx, request, access.tryClients(), "the allowed initiators")) {
          onTryRequest(ctx, request.requestId(), (TryRequest) request.message());
        }
        break;
      default:
        // A well-formed frame this endpoint does not serve: refuse it, keep the connection.
        reply(ctx, request.requestId(), ErrorReply.newBuilder()
            .setOutcome(Outcome.INVALID_ARGUMENT.code())
            .setMessage("a participant endpoint serves TRY_REQUEST and PHASE2_CALL, not "
                + request.type())
            .build());
    }
  }

  private void onPhase2Call(ChannelHandlerContext ctx, long requestId, Phase2Call call) {
    HostedParticipant hosted = participants.get(call.getParticipant());
    if (hosted == null) {
      reply(ctx, requestId, refusal(call, Outcome.UNKNOWN_PARTICIPANT,
          "this endpoint hosts no participant " + call.getParticipant()));
      return;
    }
    try {
      hosted.submitPhase2(() -> {
        long startNs = System.nanoTime();
        Phase2Ack ack = applySafely(hosted.fence(), call);
        hosted.metrics().phase2(ack, startNs);
        reply(ctx, requestId, ack);
      });
    } catch (RejectedExecutionException e) {
      reply(ctx, requestId, refusal(call, busy(), "the phase-2 queue of " + call.getParticipant()
          + " is " + (closing.getAsBoolean() ? "closed" : "full")));
    }
  }

  private void onTryRequest(ChannelHandlerContext ctx, long requestId, TryRequest request) {
    HostedParticipant hosted = participants.get(request.getParticipant());
    if (hosted == null) {
      reply(ctx, requestId, tryReply(new TryResult(Outcome.UNKNOWN_PARTICIPANT,
          "this endpoint hosts no participant " + request.getParticipant())));
      return;
    }
    try {
      tries.execute(() -> {
        long startNs = System.nanoTime();
        TryResult result = trySafely(hosted.fence(), request);
        hosted.metrics().tried(result.outcome(), startNs);
        reply(ctx, requestId, tryReply(result));
      });
    } catch (RejectedExecutionException e) {
      reply(ctx, requestId, tryReply(new TryResult(busy(), "the try queue is "
          + (closing.getAsBoolean() ? "closed" : "full"))));
    }
  }

  /**
   * True when the peer's identity may send this request. Otherwise the request is refused with
   * PERMISSION_DENIED before anything of it runs, and the connection is closed: a peer that
   * sends what it may not is not a peer to keep serving.
   */
  private static boolean permitted(ChannelHandlerContext ctx, Envelope request,
      Set<String> allowed, String who) {
    if (allowed.isEmpty()) {
      return true;
    }
    PeerIdentity identity = PeerIdentity.of(ctx.channel());
    if (identity.isIn(allowed)) {
      return true;
    }
    log.warn("refusing {} from {}: its certificate names {}, and only {} may send it;"
        + " closing", request.type(), ctx.channel().remoteAddress(), identity, who);
    ctx.writeAndFlush(Envelope.of(request.requestId(), ErrorReply.newBuilder()
        .setOutcome(Outcome.PERMISSION_DENIED.code())
        .setMessage(request.type() + " is accepted only from " + who + ", not from " + identity)
        .build())).addListener(ChannelFutureListener.CLOSE);
    return false;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ProtocolErrors.replyAndClose(ctx, cause);
  }

  private Outcome busy() {
    return closing.getAsBoolean() ? Outcome.SHUTTING_DOWN : Outcome.OVERLOADED;
  }

  /** The fence never throws by contract; this keeps a bug from leaving the sender waiting. */
  private static Phase2Ack applySafely(Fence fence, Phase2Call call) {
    try {
      return fence.apply(call);
    } catch (RuntimeException | Error e) {
      log.error("phase-2 call seq {} of {} failed inside the endpoint", call.getSeq(),
          call.getParticipant(), e);
      return refusal(call, Outcome.PHASE2_FAILED, "internal error: " + Fence.describe(e));
    }
  }

  private static TryResult trySafely(Fence fence, TryRequest request) {
    try {
      return fence.tryBranch(request.getXid(), request.getBranchId(),
          request.getPayload().toByteArray());
    } catch (RuntimeException | Error e) {
      log.error("try xid={} branch={} failed inside the endpoint", request.getXid(),
          request.getBranchId(), e);
      return new TryResult(Outcome.INTERNAL, "internal error: " + Fence.describe(e));
    }
  }

  /** An ack refusing a call without reading any fence: applied_seq 0 means "not known here". */
  static Phase2Ack refusal(Phase2Call call, Outcome outcome, String message) {
    return Phase2Ack.newBuilder()
        .setParticipant(call.getParticipant())
        .setSeq(call.getSeq())
        .setAppliedSeq(0)
        .setTerm(call.getTerm())
        .setOutcome(outcome.code())
        .setMessage(message)
        .build();
  }

  static TryReply tryReply(TryResult result) {
    return TryReply.newBuilder()
        .setOutcome(result.outcome().code())
        .setMessage(result.message())
        .build();
  }

  /** Writes from any thread; Netty keeps one thread's writes in order. */
  private static void reply(ChannelHandlerContext ctx, long requestId, MessageLite message) {
    ctx.writeAndFlush(Envelope.of(requestId, message)).addListener(written -> {
      if (!written.isSuccess()) {
        log.debug("answer to request {} not sent: {}", requestId, written.cause().toString());
      }
    });
  }
}
