package dev.sequent.bench;

import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.coordinator.raft.RaftNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The limit to compare against: three Ratis servers in this JVM on 127.0.0.1 with exactly the
 * Ratis properties our nodes run with ({@link RaftNode#properties}), but a state machine that
 * does nothing, driven closed-loop at the same concurrency through the same path our proposer
 * uses (a request submitted to the leader's server in-process). Each request is one log entry:
 * its entries per second are Raft's own ceiling on this machine, before any TCC work.
 */
final class RaftBaseline {

  /** Does nothing with an entry but note that it was applied. */
  static final class NoOpStateMachine extends BaseStateMachine {
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      updateLastAppliedTermIndex(trx.getLogEntry().getTerm(), trx.getLogEntry().getIndex());
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }

  /** Entries per second, and the latency of one entry (submit to applied on the leader). */
  record Result(double entriesPerSecond, Latencies latency, int concurrency, int entryBytes) {
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("entriesPerSecond", Math.round(entriesPerSecond));
      json.put("concurrency", concurrency);
      json.put("entryBytes", entryBytes);
      json.put("latencyMs", latency.summaryMs());
      return json;
    }
  }

  private RaftBaseline() {}

  static Result run(Path dir, Map<String, String> settings, int concurrency, int entryBytes,
      long warmupMs, long durationMs) throws Exception {
    List<String> peers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      peers.add("n" + i + "=127.0.0.1:" + freePort() + ":" + freePort());
    }
    List<RaftServer> servers = new ArrayList<>();
    RaftGroup group = null;
    try {
      for (int i = 1; i <= 3; i++) {
        Map<String, String> node = new LinkedHashMap<>(settings);
        node.put("cluster.peers", String.join(",", peers));
        node.put("node.id", "n" + i);
        node.put("node.dataDir", dir.resolve("n" + i).toString());
        NodeConfig config = NodeConfig.of(node);
        List<RaftPeer> raftPeers = config.peers().stream().map(p -> RaftPeer.newBuilder()
            .setId(p.id()).setAddress(p.host() + ":" + p.raftPort()).build()).toList();
        group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
            "sequent-bench-baseline".getBytes())), raftPeers);
        RaftServer server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf("n" + i))
            .setGroup(group).setStateMachine(new NoOpStateMachine())
            .setProperties(RaftNode.properties(config))
            .setOption(RaftStorage.StartupOption.RECOVER).build();
        server.start();
        servers.add(server);
      }
      RaftServer leader = awaitLeader(servers, group, 30_000);
      return drive(leader, group, concurrency, entryBytes, warmupMs, durationMs);
    } finally {
      for (RaftServer server : servers) {
        try {
          server.close();
        } catch (IOException e) {
          // closing a benchmark's server: nothing to do
        }
      }
    }
  }

  private static Result drive(RaftServer leader, RaftGroup group, int concurrency,
      int entryBytes, long warmupMs, long durationMs) throws InterruptedException {
    ClientId clientId = ClientId.randomId();
    AtomicLong callIds = new AtomicLong();
    ByteString payload = ByteString.copyFrom(new byte[entryBytes]);
    Latencies latency = new Latencies();
    AtomicLong measured = new AtomicLong();
    AtomicBoolean stopping = new AtomicBoolean();
    long fromNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
    long untilNs = fromNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
    CountDownLatch done = new CountDownLatch(concurrency);
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> {
      if (stopping.get()) {
        done.countDown();
        return;
      }
      long startNs = System.nanoTime();
      RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(clientId)
          .setServerId(leader.getId()).setGroupId(group.getGroupId())
          .setCallId(callIds.incrementAndGet()).setMessage(Message.valueOf(payload))
          .setType(RaftClientRequest.writeRequestType()).build();
      try {
        leader.submitClientRequestAsync(request).whenComplete((reply, failure) -> {
          long endNs = System.nanoTime();
          if (failure == null && reply.isSuccess() && startNs >= fromNs && endNs <= untilNs) {
            measured.incrementAndGet();
            latency.add((endNs - startNs) / 1000);
          }
          loop[0].run();
        });
      } catch (IOException e) {
        done.countDown();
      }
    };
    for (int c = 0; c < concurrency; c++) {
      loop[0].run();
    }
    TimeUnit.NANOSECONDS.sleep(Math.max(0, untilNs - System.nanoTime()));
    stopping.set(true);
    done.await(30, TimeUnit.SECONDS);
    return new Result(measured.get() * 1000.0 / durationMs, latency, concurrency, entryBytes);
  }

  private static RaftServer awaitLeader(List<RaftServer> servers, RaftGroup group,
      long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      for (RaftServer server : servers) {
        var info = server.getDivision(group.getGroupId()).getInfo();
        if (info.isLeader() && info.isLeaderReady()) {
          return server;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the baseline cluster elected no leader");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
