package dev.sequent.coordinator.raft;

import dev.sequent.coordinator.config.ConfigKey;
import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.coordinator.config.Peer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
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

  private final RaftServer server;
  private final RaftGroup group;
  private final RaftPeerId selfId;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final TccStateMachine stateMachine;

  public RaftNode(NodeConfig config, TccStateMachine stateMachine) throws IOException {
    this.stateMachine = stateMachine;
    this.selfId = RaftPeerId.valueOf(config.self().id());
    this.group = RaftGroup.valueOf(groupId(config.string(ConfigKey.CLUSTER_NAME)),
        config.peers().stream().map(RaftNode::toRaftPeer).toList());
    this.server = RaftServer.newBuilder()
        .setServerId(selfId)
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(properties(config))
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
  }

  /** The Raft group id every node derives from the cluster name, so none has to be configured. */
  static RaftGroupId groupId(String clusterName) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(("sequent:" + clusterName).getBytes(StandardCharsets.UTF_8)));
  }

  private static RaftPeer toRaftPeer(Peer peer) {
    return RaftPeer.newBuilder().setId(peer.id()).setAddress(peer.raftAddress()).build();
  }

  private static RaftProperties properties(NodeConfig config) {
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
    // Retries after a leader change must still find their answer: keep the cache for minutes.
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, TimeDuration.valueOf(10, TimeUnit.MINUTES));
    return p;
  }

  private static TimeDuration millis(NodeConfig config, ConfigKey key) {
    return TimeDuration.valueOf(config.longValue(key), TimeUnit.MILLISECONDS);
  }

  public void start() throws IOException {
    server.start();
    LOG.info("Raft server {} started in group {}", selfId, group.getGroupId());
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
    SnapshotManagementRequest request = SnapshotManagementRequest.newCreate(
        clientId, selfId, group.getGroupId(), callIds.incrementAndGet(), timeoutMs);
    return server.snapshotManagementAsync(request).thenApply(reply -> {
      if (!reply.isSuccess()) {
        throw new RaftRequestException(reply.getException());
      }
      return reply.getLogIndex();
    });
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
