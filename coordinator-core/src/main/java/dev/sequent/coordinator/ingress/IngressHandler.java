package dev.sequent.coordinator.ingress;

import dev.sequent.coordinator.log.LogEntryCodec;
import dev.sequent.coordinator.propose.Failure;
import dev.sequent.coordinator.propose.Proposer;
import dev.sequent.coordinator.raft.Queries;
import dev.sequent.coordinator.raft.RaftNode;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.AnnounceEndpointRequest;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.DecideRequest;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.OperatorResolveRequest;
import dev.sequent.protocol.proto.RegisterBranchRequest;
import dev.sequent.protocol.proto.StatusRequest;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.ProtocolErrors;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one client connection: turns requests into table commands for the proposer, or into
 * linearizable reads, and writes each reply with its request id. Never blocks the event loop: every
 * reply is written from the completion of a future.
 *
 * <p>Writes are served by the leader only; any other node answers NOT_LEADER with the leader's
 * client address when it knows it. Status reads are served by every node (Ratis's read index makes
 * them linearizable on followers too). Operators' requests go to {@link AdminRequests}.
 */
final class IngressHandler extends SimpleChannelInboundHandler<Envelope> {
  private static final Logger LOG = LoggerFactory.getLogger(IngressHandler.class);

  private final RaftNode raft;
  private final Proposer proposer;
  private final AdminRequests admin;
  private final int inflightMax;
  private final long readTimeoutMs;
  private final AtomicInteger inflight = new AtomicInteger();

  IngressHandler(RaftNode raft, Proposer proposer, AdminRequests admin, int inflightMax,
      long readTimeoutMs) {
    this.raft = raft;
    this.proposer = proposer;
    this.admin = admin;
    this.inflightMax = inflightMax;
    this.readTimeoutMs = readTimeoutMs;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Envelope request) {
    long id = request.requestId();
    try {
      switch (request.type()) {
        case BEGIN_REQUEST -> write(ctx, id, WireMapping.begin((BeginRequest) request.message()));
        case REGISTER_BRANCH_REQUEST ->
            write(ctx, id, WireMapping.register((RegisterBranchRequest) request.message()));
        case DECIDE_REQUEST ->
            write(ctx, id, WireMapping.decide((DecideRequest) request.message()));
        case STATUS_REQUEST -> status(ctx, id, (StatusRequest) request.message());
        case ANNOUNCE_ENDPOINT_REQUEST -> write(ctx, id,
            WireMapping.announce((AnnounceEndpointRequest) request.message()), true);
        case OPERATOR_RESOLVE_REQUEST -> write(ctx, id,
            WireMapping.resolve((OperatorResolveRequest) request.message()));
        default -> {
          if (AdminRequests.serves(request)) {
            admin(ctx, id, request);
          } else {
            error(ctx, id, Outcome.INVALID_ARGUMENT,
                request.type() + " is not a request a coordinator serves");
          }
        }
      }
    } catch (WireMapping.InvalidRequest e) {
      error(ctx, id, Outcome.INVALID_ARGUMENT, e.getMessage());
    }
  }

  private void write(ChannelHandlerContext ctx, long id, Command command) {
    write(ctx, id, command, false);
  }

  /**
   * Proposes a command and answers with its result: a TxnReply, or a SimpleReply for commands
   * that concern no single transaction.
   */
  private void write(ChannelHandlerContext ctx, long id, Command command, boolean simple) {
    if (!raft.isLeader()) {
      notLeader(ctx, id);
      return;
    }
    if (!raft.isLeaderReady()) {
      error(ctx, id, Outcome.UNAVAILABLE, "the leader has not applied its first entry yet");
      return;
    }
    if (!enter(ctx, id)) {
      return;
    }
    proposer.propose(command).whenComplete((result, failure) -> {
      inflight.decrementAndGet();
      if (failure != null) {
        LOG.error("Proposal failed unexpectedly", failure);
        error(ctx, id, Outcome.INTERNAL, "proposal failed: " + failure);
      } else if (simple && result.outcome() != Outcome.NOT_LEADER
          && !(result.outcome().isTransient() && result.txn() == null)) {
        ctx.writeAndFlush(Envelope.of(id, WireMapping.simpleReply(result)));
      } else {
        answer(ctx, id, result);
      }
    });
  }

  private void status(ChannelHandlerContext ctx, long id, StatusRequest request) {
    if (!enter(ctx, id)) {
      return;
    }
    CompletableFuture<byte[]> read;
    try {
      read = raft.submitRead(Queries.status(request.getXid()));
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    read.orTimeout(readTimeoutMs, TimeUnit.MILLISECONDS).whenComplete((bytes, failure) -> {
      inflight.decrementAndGet();
      if (failure != null) {
        Failure why = Failure.classify(failure);
        answer(ctx, id, new CommandResult(why.outcome(), null, why.message()));
        return;
      }
      List<CommandResult> results = LogEntryCodec.decodeResults(bytes);
      answer(ctx, id, results.get(0));
    });
  }

  /** An operator's request: served by {@link AdminRequests}, counted like any other. */
  private void admin(ChannelHandlerContext ctx, long id, Envelope request) {
    if (!enter(ctx, id)) {
      return;
    }
    admin.serve(request).whenComplete((reply, failure) -> {
      inflight.decrementAndGet();
      if (failure != null) {
        LOG.error("Admin request {} failed unexpectedly", request.type(), failure);
        error(ctx, id, Outcome.INTERNAL, "admin request failed: " + failure);
      } else {
        ctx.writeAndFlush(Envelope.of(id, reply));
      }
    });
  }

  /** Counts a request in; refuses it with OVERLOADED when the connection has too many. */
  private boolean enter(ChannelHandlerContext ctx, long id) {
    if (inflight.incrementAndGet() > inflightMax) {
      inflight.decrementAndGet();
      error(ctx, id, Outcome.OVERLOADED, "more than " + inflightMax + " requests in flight");
      return false;
    }
    return true;
  }

  private void answer(ChannelHandlerContext ctx, long id, CommandResult result) {
    if (result.outcome() == Outcome.NOT_LEADER) {
      notLeader(ctx, id);
    } else if (result.outcome().isTransient() && result.txn() == null) {
      error(ctx, id, result.outcome(), result.detail());
    } else {
      ctx.writeAndFlush(Envelope.of(id, WireMapping.reply(result)));
    }
  }

  private void notLeader(ChannelHandlerContext ctx, long id) {
    ctx.writeAndFlush(Envelope.of(id, admin.notLeader()));
  }

  private static void error(ChannelHandlerContext ctx, long id, Outcome outcome, String message) {
    ctx.writeAndFlush(Envelope.of(id, ErrorReply.newBuilder()
        .setOutcome(outcome.code())
        .setMessage(message)
        .build()));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Bad input closes this connection only, after telling the peer why.
    LOG.debug("Closing client connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ProtocolErrors.replyAndClose(ctx, cause);
  }
}
