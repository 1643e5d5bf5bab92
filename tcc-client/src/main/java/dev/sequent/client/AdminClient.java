package dev.sequent.client;

import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ListNeedsOperatorRequest;
import dev.sequent.protocol.proto.ListTxnsRequest;
import dev.sequent.protocol.proto.MembershipReply;
import dev.sequent.protocol.proto.NodeStatusReply;
import dev.sequent.protocol.proto.NodeStatusRequest;
import dev.sequent.protocol.proto.OperatorCallsReply;
import dev.sequent.protocol.proto.ReplaceMemberRequest;
import dev.sequent.protocol.proto.SnapshotReply;
import dev.sequent.protocol.proto.TriggerSnapshotRequest;
import dev.sequent.protocol.proto.TxnPageReply;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An operator's calls on a Sequent cluster, over a {@link TccClient}'s connections: node status,
 * pages of transactions and of phase-2 calls needing an operator, resolving one, snapshots and
 * replacing a failed member.
 *
 * <p>Two ways to address the cluster. Calls about the cluster's state follow the leader and retry
 * transient outcomes within the client's operation timeout, like initiator calls; the pages are
 * linearizable reads that any node answers. Calls about one node ({@link #nodeStatus}, {@link
 * #triggerSnapshot}) go to exactly that node, once, without retries: a node that does not answer
 * is itself the answer.
 *
 * <p>Futures complete on the client's callback executor. A refusal (an argument the node rejects,
 * an operation it cannot do) fails the future with an {@link AdminException} carrying the node's
 * outcome and explanation; giving up (no node answered in time) fails it with a {@link
 * TccClientException}.
 *
 * <pre>{@code
 * try (TccClient client = TccClient.builder().seed("10.0.0.1", 9001).build()) {
 *   AdminClient admin = AdminClient.of(client);
 *   AdminClient.TxnPage page = admin.listTxns(TxnState.CONFIRMING, null, 50).get();
 * }
 * }</pre>
 */
public final class AdminClient {
  private final TccClient client;

  private AdminClient(TccClient client) {
    this.client = client;
  }

  /** Admin calls over this client (its connections, leader guess and timeouts). */
  public static AdminClient of(TccClient client) {
    return new AdminClient(Objects.requireNonNull(client, "client"));
  }

  /** The nodes the client knows: its seeds, then addresses that leader hints taught it. */
  public List<InetSocketAddress> nodes() {
    return client.knownNodes();
  }

  // ------------------------------------------------------------------ one node

  /**
   * What {@code node} says about itself (role, term, indexes, members), answered without Raft.
   * One attempt, bounded by the client's request timeout.
   */
  public CompletableFuture<NodeStatus> nodeStatus(InetSocketAddress node) {
    return client.nodeCall(node, MessageType.NODE_STATUS_REQUEST,
        NodeStatusRequest.getDefaultInstance(), client.config().requestTimeoutMs(),
        answer -> nodeStatus(body(answer, NodeStatusReply.class)));
  }

  /**
   * Asks {@code node} to snapshot its state now (a no-op answering the latest snapshot when
   * nothing was applied since). One attempt, waiting at most timeoutMs.
   */
  public CompletableFuture<Snapshot> triggerSnapshot(InetSocketAddress node, long timeoutMs) {
    requirePositive("timeoutMs", timeoutMs);
    return client.nodeCall(node, MessageType.TRIGGER_SNAPSHOT_REQUEST,
        TriggerSnapshotRequest.getDefaultInstance(), timeoutMs, answer -> {
          SnapshotReply reply = body(answer, SnapshotReply.class);
          return new Snapshot(reply.getNodeId(), reply.getSnapshotIndex());
        });
  }

  // ------------------------------------------------------------------ the cluster's state

  /**
   * A page of transactions in xid order.
   *
   * @param stateOrNull only transactions in this state, or every state when null
   * @param afterXidOrNull the previous page's {@link TxnPage#nextAfterXid()}, or null
   * @param limit at most this many; 0 for the node's default
   */
  public CompletableFuture<TxnPage> listTxns(TxnState stateOrNull, String afterXidOrNull,
      int limit) {
    requireNotNegative("limit", limit);
    ListTxnsRequest.Builder request = ListTxnsRequest.newBuilder().setLimit(limit)
        .setState(wireState(stateOrNull));
    if (afterXidOrNull != null) {
      request.setAfterXid(afterXidOrNull);
    }
    return call(MessageType.LIST_TXNS_REQUEST, "list txns", request.build(), answer -> {
      TxnPageReply reply = body(answer, TxnPageReply.class);
      List<TxnSnapshot> txns = new ArrayList<>(reply.getTxnsCount());
      reply.getTxnsList().forEach(txn -> txns.add(Answer.snapshot(txn)));
      return new TxnPage(txns, reply.getNextAfterXid().isEmpty() ? null : reply.getNextAfterXid());
    });
  }

  /** One transaction with its branches ({@code TXN_NOT_FOUND} is an answer, not a failure). */
  public CompletableFuture<TxnResult> showTxn(String xid) {
    return client.status(xid);
  }

  /**
   * A page of the phase-2 calls whose delivery gave up, in (participant, seq) order.
   *
   * @param afterParticipantOrNull the previous page's next participant, or null for the first
   * @param afterSeq the previous page's next seq
   * @param limit at most this many; 0 for the node's default
   */
  public CompletableFuture<OperatorCallPage> listNeedsOperator(String afterParticipantOrNull,
      long afterSeq, int limit) {
    requireNotNegative("limit", limit);
    requireNotNegative("afterSeq", afterSeq);
    ListNeedsOperatorRequest.Builder request = ListNeedsOperatorRequest.newBuilder()
        .setAfterSeq(afterSeq).setLimit(limit);
    if (afterParticipantOrNull != null) {
      request.setAfterParticipant(afterParticipantOrNull);
    }
    return call(MessageType.LIST_NEEDS_OPERATOR_REQUEST, "list needs-operator", request.build(),
        answer -> operatorCalls(body(answer, OperatorCallsReply.class)));
  }

  /** Resolves participant's phase-2 call seq by hand; see {@link TccClient#resolve}. */
  public CompletableFuture<TxnResult> resolve(String participant, long seq) {
    return client.resolve(participant, seq);
  }

  /**
   * Replaces member {@code oldId} (failed, stopped) by {@code joining}, on the leader. The leader
   * brings the new node up to date before it commits the new configuration, so start the new node
   * (empty data directory, cluster.peers naming the new membership) right before or after calling
   * this. Transient refusals (another change in progress, the new node not caught up yet) are
   * retried until waitMs runs out; repeating a replacement that is done answers its members.
   *
   * @return the members once the new configuration is committed
   */
  public CompletableFuture<List<Member>> replaceMember(String oldId, Member joining,
      long waitMs) {
    Branch.requireText(oldId, "oldId");
    Objects.requireNonNull(joining, "joining");
    requirePositive("waitMs", waitMs);
    ReplaceMemberRequest request = ReplaceMemberRequest.newBuilder()
        .setOldNodeId(oldId)
        .setNewMember(dev.sequent.protocol.proto.Member.newBuilder()
            .setNodeId(joining.nodeId()).setHost(joining.host())
            .setRaftPort(joining.raftPort()).setClientPort(joining.clientPort()))
        .build();
    return client.adminCall(MessageType.REPLACE_MEMBER_REQUEST,
        "replace " + oldId + " by " + joining.nodeId(), request, waitMs, waitMs,
        answer -> members(body(answer, MembershipReply.class).getMembersList()));
  }

  private <T> CompletableFuture<T> call(MessageType type, String subject, MessageLite request,
      Function<Answer, T> map) {
    ClientConfig config = client.config();
    return client.adminCall(type, subject, request, config.operationTimeoutMs(),
        config.requestTimeoutMs(), map);
  }

  // ------------------------------------------------------------------ results

  /** A node's role as it reported it. */
  public enum Role { LEADER, FOLLOWER, CANDIDATE, LISTENER, UNKNOWN }

  /**
   * A member of the cluster's Raft configuration.
   *
   * @param clientPort its client port; 0 when the answering node did not know it
   */
  public record Member(String nodeId, String host, int raftPort, int clientPort) {
    public Member {
      Branch.requireText(nodeId, "nodeId");
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * What one node said about itself.
   *
   * @param leaderId the leader it knows, or null
   * @param appliedIndex the last log index it applied (-1: none); lag is the leader's minus this
   * @param logStartIndex the first index still in its log (earlier ones were purged)
   * @param snapshotIndex the index its latest snapshot covers (-1 or 0: none)
   * @param members the configuration it knows (during a change: the new one)
   * @param membershipChanging true while a membership change is in progress
   * @param leaderReady on the leader, true once it serves writes
   */
  public record NodeStatus(String nodeId, Role role, String leaderId, long term,
      long appliedIndex, long commitIndex, long logStartIndex, long snapshotIndex,
      List<Member> members, boolean membershipChanging, boolean leaderReady) {
    public NodeStatus {
      members = List.copyOf(members);
    }
  }

  /** A page of transactions; {@code nextAfterXid} is null when the listing is complete. */
  public record TxnPage(List<TxnSnapshot> txns, String nextAfterXid) {
    public TxnPage {
      txns = List.copyOf(txns);
    }
  }

  /** A phase-2 call whose delivery gave up: resolve it with (participant, seq). */
  public record OperatorCall(String participant, long seq, String xid, String branchId,
      Decision decision) {}

  /** A page of calls; {@code nextAfterParticipant} is null when the listing is complete. */
  public record OperatorCallPage(List<OperatorCall> calls, String nextAfterParticipant,
      long nextAfterSeq) {
    public OperatorCallPage {
      calls = List.copyOf(calls);
    }
  }

  /** The snapshot a node took (or already had): the log index it covers. */
  public record Snapshot(String nodeId, long index) {}

  // ------------------------------------------------------------------ mapping

  /** The reply body of an OK answer, or the refusal as an {@link AdminException}. */
  private static <T extends MessageLite> T body(Answer answer, Class<T> type) {
    if (answer.outcome() != Outcome.OK) {
      throw new AdminException(answer.outcome(), answer.message().isEmpty()
          ? answer.outcome().name() : answer.message());
    }
    if (!type.isInstance(answer.reply())) {
      throw new AdminException(Outcome.INTERNAL, "expected a " + type.getSimpleName()
          + ", the node answered "
          + (answer.reply() == null ? "nothing" : answer.reply().getClass().getSimpleName()));
    }
    return type.cast(answer.reply());
  }

  private static NodeStatus nodeStatus(NodeStatusReply reply) {
    Role role = switch (reply.getRole()) {
      case LEADER -> Role.LEADER;
      case FOLLOWER -> Role.FOLLOWER;
      case CANDIDATE -> Role.CANDIDATE;
      case LISTENER -> Role.LISTENER;
      default -> Role.UNKNOWN;
    };
    return new NodeStatus(reply.getNodeId(), role,
        reply.getLeaderId().isEmpty() ? null : reply.getLeaderId(), reply.getTerm(),
        reply.getAppliedIndex(), reply.getCommitIndex(), reply.getLogStartIndex(),
        reply.getSnapshotIndex(), members(reply.getMembersList()), reply.getMembershipChanging(),
        reply.getLeaderReady());
  }

  private static List<Member> members(List<dev.sequent.protocol.proto.Member> members) {
    List<Member> result = new ArrayList<>(members.size());
    for (dev.sequent.protocol.proto.Member member : members) {
      result.add(new Member(member.getNodeId(), member.getHost(), member.getRaftPort(),
          member.getClientPort()));
    }
    return result;
  }

  private static OperatorCallPage operatorCalls(OperatorCallsReply reply) {
    List<OperatorCall> calls = new ArrayList<>(reply.getCallsCount());
    for (dev.sequent.protocol.proto.OperatorCall call : reply.getCallsList()) {
      calls.add(new OperatorCall(call.getParticipant(), call.getSeq(), call.getXid(),
          call.getBranchId(), call.getDecision() == dev.sequent.protocol.proto.Decision.CONFIRM
              ? Decision.CONFIRM : Decision.CANCEL));
    }
    String next = reply.getNextAfterParticipant();
    return new OperatorCallPage(calls, next.isEmpty() ? null : next, reply.getNextAfterSeq());
  }

  private static dev.sequent.protocol.proto.TxnState wireState(TxnState state) {
    if (state == null) {
      return dev.sequent.protocol.proto.TxnState.TXN_STATE_UNSPECIFIED;
    }
    return switch (state) {
      case TRYING -> dev.sequent.protocol.proto.TxnState.TRYING;
      case CONFIRMING -> dev.sequent.protocol.proto.TxnState.CONFIRMING;
      case CONFIRMED -> dev.sequent.protocol.proto.TxnState.CONFIRMED;
      case CANCELLING -> dev.sequent.protocol.proto.TxnState.CANCELLING;
      case CANCELLED -> dev.sequent.protocol.proto.TxnState.CANCELLED;
      case UNKNOWN -> throw new IllegalArgumentException("UNKNOWN is no state to list by");
    };
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
  }
}
