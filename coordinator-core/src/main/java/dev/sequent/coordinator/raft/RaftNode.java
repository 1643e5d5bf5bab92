package dev.sequent.coordinator.raft;

import dev.sequent.coordinator.config.ConfigKey;
import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.coordinator.config.Peer;
import dev.sequent.protocol.tls.TlsSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.ReconfigurationTimeoutException;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Ratis server hosting the cluster's single group, and the two ways into it this node uses:
 * local write submission (the proposer, on the leader) and linearizable reads (status queries).
 *
 * <p>Requests are submitted to the local server directly rather than through a RaftClient: the
 * proposer runs on the leader, so a gRPC hop to itself would add latency and a client-side window
 * that blocks its caller. When this node is not the leader, submissions fail fast with {@link
 * NotLeaderException} and the caller's client follows the leader instead.
 */
public final class RaftNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
  /**
   * How long the leader waits for a joining member that makes no progress before it gives a
   * membership change up. Ratis's default (3 election timeouts, 6 s here) leaves an operator no
   * time to start the new node after asking for the change, which is the safe order: a new node
   * started first campaigns with its empty log and the leader tells it to shut down.
   */
  static final long MEMBER_CATCH_UP_TIMEOUT_MS = 60_000;
  /**
   * Ratis's retry cache expiry: longer than any request stays in flight (a leader that cannot
   * commit steps down within an election timeout), short enough that the replies it holds stay
   * a few MB at thousands of entries per second.
   */
  static final long RETRY_CACHE_EXPIRY_MS = 30_000;
  /**
   * Threads the JVM's common pool needs so that Ratis's {@code thenComposeAsync} on a follower's
   * append path queues its task instead of starting a thread per task (CompletableFuture's rule
   * for a pool of one). ServerMain sets it; an embedding JVM is told at start.
   */
  public static final int COMMON_POOL_PARALLELISM_MIN = 2;

  private final RaftServer server;
  private final RaftGroup group;
  private final RaftPeerId selfId;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final TccStateMachine stateMachine;

  /** A node whose Raft traffic is plaintext. */
  public RaftNode(NodeConfig config, TccStateMachine stateMachine) throws IOException {
    this(config, stateMachine, null);
  }

  /**
   * @param tls this node's key material for Ratis's gRPC, or null for plaintext: with it every
   *     connection between nodes is mutual TLS, and each side accepts only a peer whose
   *     certificate leads to a trusted CA, names the host it was dialled by, and names one of
   *     tls.clusterIdentities (when that list is set)
   */
  public RaftNode(NodeConfig config, TccStateMachine stateMachine, TlsSettings tls)
      throws IOException {
    this.stateMachine = stateMachine;
    this.selfId = RaftPeerId.valueOf(config.self().id());
    this.group = RaftGroup.valueOf(groupId(config.string(ConfigKey.CLUSTER_NAME)),
        config.peers().stream().map(RaftNode::toRaftPeer).toList());
    this.server = RaftServer.newBuilder()
        .setServerId(selfId)
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(properties(config))
        .setParameters(parameters(tls, config.identities(ConfigKey.TLS_CLUSTER_IDENTITIES)))
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    if (tls != null) {
      LOG.info("Raft server {} speaks mutual TLS as {}{}", selfId, tls.identity(),
          config.identities(ConfigKey.TLS_CLUSTER_IDENTITIES).isEmpty() ? ""
              : ", accepting peers " + config.identities(ConfigKey.TLS_CLUSTER_IDENTITIES));
    }
  }

  /**
   * Ratis takes TLS as a parameter, not a property. One configuration serves the server, the
   * clients it opens to other nodes (log appenders, votes) and its client and admin services,
   * which share the server's port.
   */
  private static Parameters parameters(TlsSettings tls, Set<String> clusterIdentities) {
    Parameters parameters = new Parameters();
    if (tls != null) {
      GrpcTlsConfig conf = GrpcTlsConfig.newBuilder()
          .setName("sequent-raft")
          .setKeyManager(tls.keyManager())
          .setTrustManager(tls.trustManager(clusterIdentities))
          .setMutualTls(true)
          .setProtocols(TlsSettings.PROTOCOLS)
          .build();
      GrpcConfigKeys.TLS.setConf(parameters, conf);
    }
    return parameters;
  }

  /** The Raft group id every node derives from the cluster name, so none has to be configured. */
  static RaftGroupId groupId(String clusterName) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(("sequent:" + clusterName).getBytes(StandardCharsets.UTF_8)));
  }

  private static RaftPeer toRaftPeer(Peer peer) {
    return RaftPeer.newBuilder().setId(peer.id()).setAddress(peer.raftAddress()).build();
  }

  /**
   * The Ratis properties a node runs with. Public for the benchmarks' no-op Raft baseline, which
   * must run on exactly the setup our nodes use (storage, timeouts, log options).
   */
  public static RaftProperties properties(NodeConfig config) {
    RaftProperties p = new RaftProperties();
    Path raftDir = config.dataDir().resolve("raft");
    RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
    RaftServerConfigKeys.setRemovedGroupsDir(p, raftDir.resolve("removed-groups").toFile());
    GrpcConfigKeys.Server.setHost(p, config.bindHost());
    GrpcConfigKeys.Server.setPort(p, config.self().raftPort());

    RaftServerConfigKeys.Rpc.setTimeoutMin(p,
        millis(config, ConfigKey.RAFT_ELECTION_TIMEOUT_MIN_MS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p,
        millis(config, ConfigKey.RAFT_ELECTION_TIMEOUT_MAX_MS));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p,
        millis(config, ConfigKey.RAFT_REQUEST_TIMEOUT_MS));
    // A snapshot stream to a follower that died mid-install waits (request timeout x outstanding
    // chunks) before the leader retries; Ratis's default of 3 s x 8 kept a restarted follower
    // waiting 24 s here. Two chunks in flight keep the stream busy enough on a LAN.
    GrpcConfigKeys.Server.setInstallSnapshotRequestElementLimit(p, 2);
    GrpcConfigKeys.Server.setInstallSnapshotRequestTimeout(p,
        millis(config, ConfigKey.RAFT_REQUEST_TIMEOUT_MS));
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p,
        millis(config, ConfigKey.RAFT_APPEND_INTERVAL_MIN_MS));
    // Status queries must be linearizable: read index, not the leader's possibly stale state.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    // A metadata entry per commit doubles the entries for nothing we use (measured: halves
    // sequential latency when off).
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p,
        SizeInBytes.valueOf(config.longValue(ConfigKey.RAFT_SEGMENT_SIZE_MAX_BYTES)));
    RaftServerConfigKeys.Log.setPurgeGap(p, config.intValue(ConfigKey.RAFT_PURGE_GAP_ENTRIES));
    // Our snapshots are durable checkpoints, so the log up to one can go.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p,
        config.longValue(ConfigKey.RAFT_SNAPSHOT_THRESHOLD_ENTRIES));
    RaftServerConfigKeys.Snapshot.setCreationGap(p,
        Math.min(1024, config.longValue(ConfigKey.RAFT_SNAPSHOT_THRESHOLD_ENTRIES)));
    RaftServerConfigKeys.setStagingTimeout(p,
        TimeDuration.valueOf(MEMBER_CATCH_UP_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    // Ratis's retry cache keeps every reply for its expiry time, on every peer. It never answers
    // us: each submit takes a fresh call id and a retried command comes back as a new request
    // (from another node after a leader change), made safe by the transaction table's own
    // idempotency. So it only has to outlive a request in flight. It was 10 minutes once, which
    // at 2,000 txns/s held 146k replies and 150 MB of heap per node after 600k finished txns.
    RaftServerConfigKeys.RetryCache.setExpiryTime(p,
        TimeDuration.valueOf(RETRY_CACHE_EXPIRY_MS, TimeUnit.MILLISECONDS));
    return p;
  }

  private static TimeDuration millis(NodeConfig config, ConfigKey key) {
    return TimeDuration.valueOf(config.longValue(key), TimeUnit.MILLISECONDS);
  }

  public void start() throws IOException {
    server.start();
    LOG.info("Raft server {} started in group {}", selfId, group.getGroupId());
    if (ForkJoinPool.getCommonPoolParallelism() < COMMON_POOL_PARALLELISM_MIN) {
      LOG.warn("Raft server {}: the JVM's common pool has {} thread(s), so every follower append"
          + " starts a new thread (Ratis completes appends on that pool); start the JVM with"
          + " -Djava.util.concurrent.ForkJoinPool.common.parallelism={}", selfId,
          ForkJoinPool.getCommonPoolParallelism(), COMMON_POOL_PARALLELISM_MIN);
    }
  }

  /** Proposes an encoded log entry through the local server; completes with the apply reply. */
  public CompletableFuture<byte[]> submitWrite(byte[] entry) {
    return submit(entry, RaftClientRequest.writeRequestType());
  }

  /** A linearizable read of the state machine (read index). */
  public CompletableFuture<byte[]> submitRead(byte[] query) {
    return submit(query, RaftClientRequest.readRequestType());
  }

  private CompletableFuture<byte[]> submit(byte[] content, RaftClientRequest.Type type) {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(selfId)
        .setGroupId(group.getGroupId())
        .setCallId(callIds.incrementAndGet())
        .setMessage(Message.valueOf(ByteString.copyFrom(content)))
        .setType(type)
        .build();
    try {
      return server.submitClientRequestAsync(request).thenApply(RaftNode::replyContent);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static byte[] replyContent(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      throw new RaftRequestException(reply.getException());
    }
    return reply.getMessage().getContent().toByteArray();
  }

  private Optional<DivisionInfo> info() {
    try {
      return Optional.of(server.getDivision(group.getGroupId()).getInfo());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public boolean isLeader() {
    return info().map(DivisionInfo::isLeader).orElse(false);
  }

  /** Leader and has applied its term's first entry, so its state covers every earlier decision. */
  public boolean isLeaderReady() {
    return info().map(i -> i.isLeader() && i.isLeaderReady()).orElse(false);
  }

  /** The current leader's id as this node knows it. */
  public Optional<String> leaderId() {
    return info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
  }

  public long currentTerm() {
    return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
  }

  public long lastAppliedIndex() {
    return info().map(DivisionInfo::getLastAppliedIndex).orElse(-1L);
  }

  /** The first index still in this node's Raft log (entries before it were purged). */
  public long logStartIndex() {
    try {
      return server.getDivision(group.getGroupId()).getRaftLog().getStartIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /** False once the division closed (for example after a failed apply): the node must stop. */
  public boolean isAlive() {
    return info().map(DivisionInfo::isAlive).orElse(false);
  }

  public String id() {
    return selfId.toString();
  }

  public TccStateMachine stateMachine() {
    return stateMachine;
  }

  /**
   * Asks Ratis to take a snapshot now (operators, tests); Ratis runs it on the apply thread, after
   * the applies in flight. Completes with the index the snapshot covers.
   */
  public CompletableFuture<Long> takeSnapshot(long timeoutMs) {
    return takeSnapshot(timeoutMs, 0);
  }

  /**
   * Like {@link #takeSnapshot(long)}, but only when at least {@code creationGap} entries were
   * applied since the latest snapshot (0: the configured gap); otherwise completes at once with
   * the latest snapshot's index. An operator's request uses 1: snapshot whatever is new.
   */
  public CompletableFuture<Long> takeSnapshot(long timeoutMs, long creationGap) {
    SnapshotManagementRequest request = SnapshotManagementRequest.newCreate(
        clientId, selfId, group.getGroupId(), callIds.incrementAndGet(), timeoutMs, creationGap);
    return server.snapshotManagementAsync(request).thenApply(reply -> {
      if (!reply.isSuccess()) {
        throw new RaftRequestException(reply.getException());
      }
      return reply.getLogIndex();
    });
  }

  // ------------------------------------------------------------------ operator's view (read-only)

  /** A node's role in its group, as Raft sees it now. */
  public enum Role { LEADER, FOLLOWER, CANDIDATE, LISTENER, UNKNOWN }

  /** This node's role; UNKNOWN when its division is gone (closed, or not started). */
  public Role role() {
    return info().map(i -> switch (i.getCurrentRole()) {
      case LEADER -> Role.LEADER;
      case FOLLOWER -> Role.FOLLOWER;
      case CANDIDATE -> Role.CANDIDATE;
      case LISTENER -> Role.LISTENER;
      default -> Role.UNKNOWN;
    }).orElse(Role.UNKNOWN);
  }

  /** The highest log index this node knows to be committed; -1 when unknown. */
  public long commitIndex() {
    try {
      return server.getDivision(group.getGroupId()).getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The index this node's latest snapshot covers; -1 when it has none. */
  public long snapshotIndex() {
    // The state machine's own record: the Raft log learns of a snapshot only when it purges.
    SnapshotInfo latest = stateMachine.getLatestSnapshot();
    return latest == null ? -1 : latest.getIndex();
  }

  /**
   * A member of the Raft configuration.
   *
   * @param raftAddress host:port of its Raft (gRPC) server
   * @param clientAddress host:port of its client port when the configuration records it (members
   *     added by {@link #replaceMember} do; the founding members come from every node's own
   *     configuration instead), else null
   */
  public record Member(String id, String raftAddress, String clientAddress) {
    public Member {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(raftAddress, "raftAddress");
    }
  }

  /**
   * The configuration as this node knows it.
   *
   * @param members the current members (during a change: the new configuration's)
   * @param changing true while a change is under way (old and new members vote jointly)
   */
  public record Membership(List<Member> members, boolean changing) {
    public Membership {
      members = List.copyOf(members);
    }

    public Optional<Member> member(String id) {
      return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }
  }

  /** The configuration this node knows; empty members when its division is gone. */
  public Membership membership() {
    try {
      RaftConfiguration conf = server.getDivision(group.getGroupId()).getRaftConf();
      return new Membership(members(conf.getCurrentPeers()), !conf.getPreviousPeers().isEmpty());
    } catch (IOException e) {
      return new Membership(List.of(), false);
    }
  }

  private static List<Member> members(Collection<RaftPeer> peers) {
    List<Member> members = new ArrayList<>(peers.size());
    for (RaftPeer peer : peers) {
      String client = peer.getClientAddress();
      members.add(new Member(peer.getId().toString(), peer.getAddress(),
          client == null || client.isEmpty() ? null : client));
    }
    members.sort((a, b) -> a.id().compareTo(b.id()));
    return members;
  }

  // ------------------------------------------------------------------ membership change

  /** How a membership change ended. */
  public enum ChangeOutcome {
    /** The new configuration is committed. */
    DONE,
    /** This node is not the leader (or not ready yet): ask the leader. */
    NOT_LEADER,
    /** Another change is under way, or the configuration moved since it was read: retry. */
    BUSY,
    /** The joining member did not catch up in time (not started, unreachable): retry. */
    TIMED_OUT,
    /** Raft refused it for another reason (see the detail). */
    REFUSED
  }

  /** The end of a membership change: the outcome, the configuration now, and why. */
  public record ChangeResult(ChangeOutcome outcome, Membership membership, String detail) {}

  /**
   * Replaces member {@code oldId} by {@code joining} in one configuration change, on the leader.
   * Ratis first brings the joining member up to date (it must be running, or start within {@link
   * #MEMBER_CATCH_UP_TIMEOUT_MS}), then commits the joint and the new configuration. The change is
   * compare-and-set against {@code expected}, the membership the caller checked, so a concurrent
   * change makes this one BUSY instead of silently undoing the other.
   *
   * <p>The joining member's client address is recorded in the configuration (Ratis's client
   * address of a peer; Sequent runs no Ratis clients), so every node can name it as leader to
   * clients even though their own configuration files predate it.
   *
   * @throws IllegalArgumentException when oldId is not in expected or joining's id is
   */
  public CompletableFuture<ChangeResult> replaceMember(
      Membership expected, String oldId, Member joining) {
    if (expected.member(oldId).isEmpty() || expected.member(joining.id()).isPresent()) {
      throw new IllegalArgumentException(
          "replace " + oldId + " by " + joining.id() + " in " + expected.members());
    }
    List<RaftPeer> current = new ArrayList<>();
    List<RaftPeer> next = new ArrayList<>();
    for (Member member : expected.members()) {
      RaftPeer peer = toRaftPeer(member);
      current.add(peer);
      if (!member.id().equals(oldId)) {
        next.add(peer);
      }
    }
    next.add(toRaftPeer(joining));
    SetConfigurationRequest request = new SetConfigurationRequest(clientId, selfId,
        group.getGroupId(), callIds.incrementAndGet(), SetConfigurationRequest.Arguments
            .newBuilder()
            .setServersInCurrentConf(current)
            .setServersInNewConf(next)
            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
            .build());
    LOG.info("Node {} replaces member {} by {}", selfId, oldId, joining);
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = server.setConfigurationAsync(request);
    } catch (IOException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.handle((answer, failure) -> changeResult(
        failure != null ? failure : answer.isSuccess() ? null : answer.getException()));
  }

  private static RaftPeer toRaftPeer(Member member) {
    RaftPeer.Builder peer = RaftPeer.newBuilder().setId(member.id())
        .setAddress(member.raftAddress());
    if (member.clientAddress() != null) {
      peer.setClientAddress(member.clientAddress());
    }
    return peer.build();
  }

  private ChangeResult changeResult(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    Membership now = membership();
    if (cause == null) {
      LOG.info("Node {}: membership is now {}", selfId, now.members());
      return new ChangeResult(ChangeOutcome.DONE, now, "");
    }
    LOG.warn("Node {}: membership change failed: {}", selfId, cause.toString());
    String detail = String.valueOf(cause.getMessage());
    if (cause instanceof NotLeaderException || cause instanceof LeaderNotReadyException) {
      return new ChangeResult(ChangeOutcome.NOT_LEADER, now, detail);
    }
    if (cause instanceof ReconfigurationInProgressException
        || cause instanceof SetConfigurationException) {
      return new ChangeResult(ChangeOutcome.BUSY, now, detail);
    }
    if (cause instanceof ReconfigurationTimeoutException) {
      return new ChangeResult(ChangeOutcome.TIMED_OUT, now, detail);
    }
    return new ChangeResult(ChangeOutcome.REFUSED, now,
        cause instanceof RaftException ? detail : cause.toString());
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
