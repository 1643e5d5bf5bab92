package dev.sequent.coordinator.ingress;

import com.google.protobuf.MessageLite;
import dev.sequent.coordinator.propose.Failure;
import dev.sequent.coordinator.raft.Queries;
import dev.sequent.coordinator.raft.RaftNode;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.ListNeedsOperatorRequest;
import dev.sequent.protocol.proto.ListTxnsRequest;
import dev.sequent.protocol.proto.Member;
import dev.sequent.protocol.proto.MembershipReply;
import dev.sequent.protocol.proto.NodeRole;
import dev.sequent.protocol.proto.NodeStatusReply;
import dev.sequent.protocol.proto.OperatorCall;
import dev.sequent.protocol.proto.OperatorCallsReply;
import dev.sequent.protocol.proto.ReplaceMemberRequest;
import dev.sequent.protocol.proto.SnapshotReply;
import dev.sequent.protocol.proto.TxnPageReply;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.WireFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the operator's requests on the client port: node status and snapshots (this node,
 * locally), pages of txns and of calls needing an operator (linearizable reads, any node), and
 * membership changes (the leader). Every request completes with the reply message to write: a
 * page, a status, or an {@link ErrorReply} (INVALID_ARGUMENT for a request that makes no sense,
 * NOT_LEADER with a hint, or the transient outcome of a read that did not complete). Nothing here
 * blocks; every wait is bounded.
 */
final class AdminRequests {
  private static final Logger LOG = LoggerFactory.getLogger(AdminRequests.class);

  /** The page size when a request asks for none (limit 0). */
  static final int PAGE_DEFAULT = 100;
  /**
   * Entries one page may examine: a filtered list or a scan for calls needing an operator stops
   * there and hands back a token, so a read never holds a Raft thread for a whole-table scan.
   */
  static final int SCAN_ENTRIES_MAX = 10_000;
  /** Room left in a reply frame for everything but the listed items. */
  static final int REPLY_SLACK_BYTES = 4_096;
  /** How long a snapshot may take before the request is answered TIMEOUT. */
  static final long SNAPSHOT_TIMEOUT_MS = 60_000;
  /**
   * How long a membership change may take before the request is answered TIMEOUT (the change may
   * still complete). Ratis gives up on a joining member that makes no progress for a minute; one
   * that keeps catching up (a large snapshot) may take longer.
   */
  static final long MEMBERSHIP_WAIT_MS = 10 * 60_000;
  /** A node id in a membership request: printable ASCII like every id, this long at most. */
  static final int NODE_ID_CHARS_MAX = 64;

  private final RaftNode raft;
  private final ClientAddresses addresses;
  private final long readTimeoutMs;
  private final int replyBytesMax;

  AdminRequests(RaftNode raft, ClientAddresses addresses, long readTimeoutMs,
      int frameBytesMax) {
    this.raft = raft;
    this.addresses = addresses;
    this.readTimeoutMs = readTimeoutMs;
    this.replyBytesMax = Math.max(1, frameBytesMax - WireFormat.HEADER_BYTES - REPLY_SLACK_BYTES);
  }

  /** True for the request types this class serves. */
  static boolean serves(Envelope request) {
    return switch (request.type()) {
      case NODE_STATUS_REQUEST, LIST_TXNS_REQUEST, LIST_NEEDS_OPERATOR_REQUEST,
          TRIGGER_SNAPSHOT_REQUEST, REPLACE_MEMBER_REQUEST -> true;
      default -> false;
    };
  }

  /** The reply to an admin request; never fails (an unexpected error becomes INTERNAL). */
  CompletableFuture<MessageLite> serve(Envelope request) {
    CompletableFuture<MessageLite> reply;
    try {
      reply = switch (request.type()) {
        case NODE_STATUS_REQUEST -> CompletableFuture.completedFuture(nodeStatus());
        case LIST_TXNS_REQUEST -> listTxns((ListTxnsRequest) request.message());
        case LIST_NEEDS_OPERATOR_REQUEST ->
            needsOperator((ListNeedsOperatorRequest) request.message());
        case TRIGGER_SNAPSHOT_REQUEST -> snapshot();
        case REPLACE_MEMBER_REQUEST -> replaceMember((ReplaceMemberRequest) request.message());
        default -> CompletableFuture.completedFuture(error(Outcome.INVALID_ARGUMENT,
            request.type() + " is not an admin request"));
      };
    } catch (InvalidRequest e) {
      reply = CompletableFuture.completedFuture(error(Outcome.INVALID_ARGUMENT, e.getMessage()));
    } catch (RuntimeException e) {
      // A bug, or Raft shutting down under the request: answer it rather than drop the
      // connection of every other request on it.
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.exceptionally(failure -> {
      LOG.warn("Admin request {} failed", request.type(), failure);
      return error(Outcome.INTERNAL, "admin request failed: " + failure);
    });
  }

  // ------------------------------------------------------------------ this node

  NodeStatusReply nodeStatus() {
    RaftNode.Membership membership = raft.membership();
    NodeStatusReply.Builder reply = NodeStatusReply.newBuilder()
        .setOutcome(Outcome.OK.code())
        .setNodeId(raft.id())
        .setRole(role(raft.role()))
        .setLeaderId(raft.leaderId().orElse(""))
        .setTerm(raft.currentTerm())
        .setAppliedIndex(raft.lastAppliedIndex())
        .setCommitIndex(raft.commitIndex())
        .setLogStartIndex(raft.logStartIndex())
        .setSnapshotIndex(raft.snapshotIndex())
        .setMembershipChanging(membership.changing())
        .setLeaderReady(raft.isLeaderReady());
    membership.members().forEach(member -> reply.addMembers(member(member)));
    return reply.build();
  }

  private CompletableFuture<MessageLite> snapshot() {
    return raft.takeSnapshot(SNAPSHOT_TIMEOUT_MS, 1)
        .orTimeout(SNAPSHOT_TIMEOUT_MS + readTimeoutMs, TimeUnit.MILLISECONDS)
        .handle((index, failure) -> {
          if (failure != null) {
            Failure why = Failure.classify(failure);
            Outcome outcome = why.outcome() == Outcome.NOT_LEADER ? Outcome.UNAVAILABLE
                : why.outcome();
            return error(outcome, "node " + raft.id() + " took no snapshot: " + why.message());
          }
          return SnapshotReply.newBuilder()
              .setOutcome(Outcome.OK.code())
              .setNodeId(raft.id())
              .setSnapshotIndex(index)
              .build();
        });
  }

  // ------------------------------------------------------------------ linearizable reads

  private CompletableFuture<MessageLite> listTxns(ListTxnsRequest request) throws InvalidRequest {
    dev.sequent.coordinator.table.TxnState state = switch (request.getState()) {
      case TXN_STATE_UNSPECIFIED -> null;
      case TRYING -> dev.sequent.coordinator.table.TxnState.TRYING;
      case CONFIRMING -> dev.sequent.coordinator.table.TxnState.CONFIRMING;
      case CONFIRMED -> dev.sequent.coordinator.table.TxnState.CONFIRMED;
      case CANCELLING -> dev.sequent.coordinator.table.TxnState.CANCELLING;
      case CANCELLED -> dev.sequent.coordinator.table.TxnState.CANCELLED;
      default -> throw new InvalidRequest("unknown txn state " + request.getStateValue());
    };
    int limit = limit(request.getLimit());
    String after = request.getAfterXid().isEmpty() ? null : request.getAfterXid();
    return read(Queries.listTxns(state, after, limit, Math.max(limit, SCAN_ENTRIES_MAX)),
        bytes -> txnPage(Queries.decodeTxnPage(bytes)));
  }

  /** The page as a reply, cut short (with the token moved back) when it would not fit a frame. */
  private TxnPageReply txnPage(TransactionTable.TxnPage page) {
    TxnPageReply.Builder reply = TxnPageReply.newBuilder().setOutcome(Outcome.OK.code());
    long bytes = 0;
    for (TxnView txn : page.txns()) {
      dev.sequent.protocol.proto.TxnView view = WireMapping.view(txn);
      bytes += view.getSerializedSize() + 8;
      // The first txn always goes: a view holds no payloads, so one fits any sane frame.
      if (bytes > replyBytesMax && reply.getTxnsCount() > 0) {
        return reply.setNextAfterXid(reply.getTxns(reply.getTxnsCount() - 1).getXid()).build();
      }
      reply.addTxns(view);
    }
    return reply.setNextAfterXid(page.nextAfterXid() == null ? "" : page.nextAfterXid()).build();
  }

  private CompletableFuture<MessageLite> needsOperator(ListNeedsOperatorRequest request)
      throws InvalidRequest {
    int limit = limit(request.getLimit());
    String after = request.getAfterParticipant().isEmpty() ? null : request.getAfterParticipant();
    byte[] query = Queries.needsOperator(after, request.getAfterSeq(), limit,
        Math.max(limit, SCAN_ENTRIES_MAX));
    return read(query, bytes -> callPage(Queries.decodeOperatorCallPage(bytes)));
  }

  private static OperatorCallsReply callPage(Queries.OperatorCallPage page) {
    // Calls are small (ids and numbers): a page of at most pageEntriesMax fits a frame.
    OperatorCallsReply.Builder reply = OperatorCallsReply.newBuilder()
        .setOutcome(Outcome.OK.code())
        .setNextAfterParticipant(page.nextParticipant() == null ? "" : page.nextParticipant())
        .setNextAfterSeq(page.nextSeq());
    for (Queries.OperatorCall call : page.calls()) {
      reply.addCalls(OperatorCall.newBuilder()
          .setParticipant(call.participant())
          .setSeq(call.seq())
          .setXid(call.xid())
          .setBranchId(call.branchId())
          .setDecision(call.decision() == dev.sequent.coordinator.table.Decision.CONFIRM
              ? dev.sequent.protocol.proto.Decision.CONFIRM
              : dev.sequent.protocol.proto.Decision.CANCEL));
    }
    return reply.build();
  }

  private int limit(int requested) throws InvalidRequest {
    int pageMax = raft.stateMachine().table().limits().pageEntriesMax();
    if (requested == 0) {
      return Math.min(PAGE_DEFAULT, pageMax);
    }
    if (requested < 0 || requested > pageMax) {
      throw new InvalidRequest("limit must be in [1, " + pageMax + "] (0 for "
          + Math.min(PAGE_DEFAULT, pageMax) + "), was " + Integer.toUnsignedString(requested));
    }
    return requested;
  }

  /** A linearizable read, its reply mapped, or the transient outcome of why it did not complete. */
  private CompletableFuture<MessageLite> read(byte[] query,
      Function<byte[], MessageLite> toReply) {
    CompletableFuture<byte[]> read;
    try {
      read = raft.submitRead(query);
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    return read.orTimeout(readTimeoutMs, TimeUnit.MILLISECONDS).handle((bytes, failure) -> {
      if (failure == null) {
        return toReply.apply(bytes);
      }
      Failure why = Failure.classify(failure);
      return why.outcome() == Outcome.NOT_LEADER ? notLeader() : error(why.outcome(),
          why.message());
    });
  }

  // ------------------------------------------------------------------ membership

  private CompletableFuture<MessageLite> replaceMember(ReplaceMemberRequest request)
      throws InvalidRequest {
    String oldId = request.getOldNodeId();
    requireNodeId("old node id", oldId);
    if (!request.hasNewMember()) {
      throw new InvalidRequest("replace request without the new member");
    }
    Member joining = request.getNewMember();
    requireNodeId("new node id", joining.getNodeId());
    if (joining.getHost().isBlank() || joining.getHost().length() > 255
        || joining.getHost().chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new InvalidRequest("the new member's host must be a name or address literal");
    }
    requirePort("raft port", joining.getRaftPort());
    requirePort("client port", joining.getClientPort());
    if (!raft.isLeader()) {
      return CompletableFuture.completedFuture(notLeader());
    }
    if (!raft.isLeaderReady()) {
      return CompletableFuture.completedFuture(error(Outcome.UNAVAILABLE,
          "the leader has not applied its first entry yet"));
    }
    RaftNode.Membership membership = raft.membership();
    Optional<MessageLite> refusal = checkReplacement(membership, oldId, joining);
    if (refusal.isPresent()) {
      return CompletableFuture.completedFuture(refusal.get());
    }
    RaftNode.Member newMember = new RaftNode.Member(joining.getNodeId(),
        joining.getHost() + ":" + joining.getRaftPort(),
        joining.getHost() + ":" + joining.getClientPort());
    return raft.replaceMember(membership, oldId, newMember)
        .orTimeout(MEMBERSHIP_WAIT_MS, TimeUnit.MILLISECONDS)
        .handle((result, failure) -> {
          if (failure != null) {
            return error(Outcome.TIMEOUT, "the membership change did not end within "
                + MEMBERSHIP_WAIT_MS + " ms; it may still complete: check status");
          }
          return membershipAnswer(result, newMember);
        });
  }

  /** A reply when the replacement must not (or need not) be proposed; empty when it may go. */
  private Optional<MessageLite> checkReplacement(RaftNode.Membership membership, String oldId,
      Member joining) {
    boolean oldIn = membership.member(oldId).isPresent();
    boolean newIn = membership.member(joining.getNodeId()).isPresent();
    if (membership.changing()) {
      return Optional.of(error(Outcome.UNAVAILABLE, "a membership change is in progress"));
    }
    if (!oldIn && newIn) {
      // A retry of a replacement that is done (its first answer was lost): same answer.
      return Optional.of(membershipReply(membership, oldId + " was already replaced by "
          + joining.getNodeId()));
    }
    String ids = membership.members().stream().map(RaftNode.Member::id).toList().toString();
    if (!oldIn) {
      return Optional.of(error(Outcome.INVALID_ARGUMENT, oldId + " is not a member " + ids));
    }
    if (newIn) {
      return Optional.of(error(Outcome.INVALID_ARGUMENT,
          joining.getNodeId() + " is already a member " + ids));
    }
    if (oldId.equals(raft.id())) {
      return Optional.of(error(Outcome.INVALID_ARGUMENT, oldId
          + " is the leader, so it is alive: replace only a failed node (stop it first)"));
    }
    String raftAddress = joining.getHost() + ":" + joining.getRaftPort();
    for (RaftNode.Member member : membership.members()) {
      if (!member.id().equals(oldId) && member.raftAddress().equals(raftAddress)) {
        return Optional.of(error(Outcome.INVALID_ARGUMENT,
            raftAddress + " is the Raft address of member " + member.id()));
      }
    }
    return Optional.empty();
  }

  private MessageLite membershipAnswer(RaftNode.ChangeResult result, RaftNode.Member joining) {
    return switch (result.outcome()) {
      case DONE -> membershipReply(result.membership(), "");
      case NOT_LEADER -> notLeader();
      case BUSY -> error(Outcome.UNAVAILABLE,
          "another membership change is in progress: " + result.detail());
      case TIMED_OUT -> error(Outcome.TIMEOUT, joining.id() + " did not catch up (is it running,"
          + " with an empty data directory, reachable at " + joining.raftAddress() + "?): "
          + result.detail());
      case REFUSED -> error(Outcome.INTERNAL, "raft refused the change: " + result.detail());
    };
  }

  private MembershipReply membershipReply(RaftNode.Membership membership, String message) {
    MembershipReply.Builder reply = MembershipReply.newBuilder()
        .setOutcome(Outcome.OK.code())
        .setMessage(message);
    membership.members().forEach(member -> reply.addMembers(member(member)));
    return reply.build();
  }

  private Member member(RaftNode.Member member) {
    Member.Builder proto = Member.newBuilder().setNodeId(member.id());
    ClientAddresses.parse(member.id(), member.raftAddress()).ifPresent(raftAddress -> proto
        .setHost(raftAddress.getHost())
        .setRaftPort(raftAddress.getPort()));
    addresses.of(member.id()).ifPresent(client -> proto.setClientPort(client.getPort()));
    return proto.build();
  }

  private static void requireNodeId(String what, String id) throws InvalidRequest {
    if (id.isEmpty() || id.length() > NODE_ID_CHARS_MAX
        || id.chars().anyMatch(c -> c <= ' ' || c > '~' || c == '=' || c == ',' || c == ':')) {
      throw new InvalidRequest(what + " must be 1 to " + NODE_ID_CHARS_MAX
          + " printable ASCII characters without '=', ',' or ':', was '" + id + "'");
    }
  }

  private static void requirePort(String what, int port) throws InvalidRequest {
    if (port < 1 || port > 65_535) {
      throw new InvalidRequest("the new member's " + what + " " + Integer.toUnsignedString(port)
          + " is out of 1..65535");
    }
  }

  // ------------------------------------------------------------------ replies

  private static NodeRole role(RaftNode.Role role) {
    return switch (role) {
      case LEADER -> NodeRole.LEADER;
      case FOLLOWER -> NodeRole.FOLLOWER;
      case CANDIDATE -> NodeRole.CANDIDATE;
      case LISTENER -> NodeRole.LISTENER;
      case UNKNOWN -> NodeRole.NODE_ROLE_UNSPECIFIED;
    };
  }

  ErrorReply notLeader() {
    ErrorReply.Builder reply = ErrorReply.newBuilder()
        .setOutcome(Outcome.NOT_LEADER.code())
        .setMessage("node " + raft.id() + " is not the leader");
    raft.leaderId().filter(id -> !id.equals(raft.id())).flatMap(addresses::of)
        .ifPresent(reply::setLeader);
    return reply.build();
  }

  private static ErrorReply error(Outcome outcome, String message) {
    return ErrorReply.newBuilder().setOutcome(outcome.code()).setMessage(message).build();
  }

  /** A request whose fields make no sense; answered INVALID_ARGUMENT. */
  private static final class InvalidRequest extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidRequest(String message) {
      super(message, null, false, false);
    }
  }
}
