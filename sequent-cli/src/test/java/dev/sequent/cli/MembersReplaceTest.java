package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.AdminClient;
import dev.sequent.client.TccClient;
import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented procedure (MEMBERSHIP.md), end to end: a member of a three-node cluster fails, the
 * operator runs {@code members replace}, starts the new node exactly as the command says, and the
 * cluster goes on with the new member, which then counts in the quorum: with one of the two
 * remaining founders stopped too, transactions still commit.
 */
class MembersReplaceTest {
  @TempDir Path dir;
  private final Map<String, Throwable> fatal = new ConcurrentHashMap<>();

  @Test
  void aFailedMemberIsReplacedAndTheNewOneCountsInTheQuorum() throws Exception {
    Map<String, String> fast = new LinkedHashMap<>();
    fast.put("raft.electionTimeoutMinMs", "600");
    fast.put("raft.electionTimeoutMaxMs", "1200");
    fast.put("raft.requestTimeoutMs", "2000");
    CoordinatorNode n4 = null;
    try (EmbeddedCluster cluster = new EmbeddedCluster(3, dir.resolve("cluster"), fast).start()) {
      String leader = cluster.awaitLeader(30_000).id();
      String failed = cluster.ids().stream().filter(id -> !id.equals(leader)).reduce((a, b) -> b)
          .orElseThrow();
      String founders = Cli.nodes(cluster.clientAddresses());
      try (TccClient client = TccClient.builder().seeds(cluster.clientAddresses())
          .operationTimeoutMs(30_000).build()) {
        assertTrue(client.blocking().begin("before", 60_000, List.of()).isOk());
      }
      cluster.stop(failed);

      int raftPort = freePort();
      int clientPort = freePort();
      Cli.Running replace = Cli.start("--nodes", founders, "members", "replace",
          "--old", failed, "--new", "n4=127.0.0.1:" + raftPort + ":" + clientPort,
          "--wait-ms", "60000");
      String peers = awaitPrintedPeers(replace);
      assertTrue(peers.contains("n4=127.0.0.1:" + raftPort + ":" + clientPort), peers);
      assertFalse(peers.contains(failed + "="), peers);
      n4 = startAsPrinted(fast, peers);

      Cli.Run done = replace.await(90_000);
      assertEquals(0, done.code(), done.toString());
      assertTrue(done.out().contains("Done: the members are now"), done.toString());
      assertTrue(done.out().contains("cluster.peers=" + peers), done.toString());

      List<InetSocketAddress> now = new ArrayList<>();
      cluster.runningNodes().forEach(node -> now.add(node.clientAddress()));
      now.add(new InetSocketAddress("127.0.0.1", clientPort));
      Cli.Run status = Cli.run("--nodes", Cli.nodes(now), "--json", "status");
      assertEquals(0, status.code(), status.toString());
      List<?> members = (List<?>) JsonCheck.object(status.out()).get("members");
      assertEquals(3, members.size(), status.out());
      assertTrue(members.stream().anyMatch(m -> "n4".equals(((Map<?, ?>) m).get("id"))
          && ((Double) ((Map<?, ?>) m).get("clientPort")).intValue() == clientPort),
          status.out());

      // Leave the leader and n4 only: without n4's vote nothing could commit.
      cluster.stop(cluster.ids().stream()
          .filter(id -> !id.equals(failed) && !id.equals(leader)).findFirst().orElseThrow());
      assertTheClusterServesWith(now, cluster.node(leader).orElseThrow(), n4);
      assertTrue(fatal.isEmpty(), fatal.toString());
    } finally {
      if (n4 != null) {
        n4.close();
      }
    }
  }

  /** Starts the new node with the settings the command printed, as an operator would. */
  private CoordinatorNode startAsPrinted(Map<String, String> common, String peers)
      throws Exception {
    Map<String, String> settings = new LinkedHashMap<>(common);
    settings.put("cluster.peers", peers);
    settings.put("node.id", "n4");
    settings.put("node.dataDir", dir.resolve("n4").toString());
    return CoordinatorNode.start(NodeConfig.of(settings), new SimpleMeterRegistry(),
        (what, cause) -> fatal.put(what, cause == null ? new IllegalStateException(what)
            : cause));
  }

  /** Txns commit with only the leader and n4 up, and n4 applies everything the leader did. */
  private static void assertTheClusterServesWith(List<InetSocketAddress> nodes,
      CoordinatorNode leader, CoordinatorNode n4) throws Exception {
    try (TccClient client = TccClient.builder().seeds(nodes).operationTimeoutMs(30_000).build()) {
      for (int i = 0; i < 5; i++) {
        assertTrue(client.blocking().begin("after-" + i, 60_000, List.of()).isOk());
        assertTrue(client.blocking().confirm("after-" + i).isOk());
      }
      assertEquals(Outcome.OK, client.blocking().status("before").outcome(),
          "what was decided before the replacement is still there");
      AdminClient admin = AdminClient.of(client);
      long leaderApplied = admin.nodeStatus(leader.clientAddress()).get(10, TimeUnit.SECONDS)
          .appliedIndex();
      AdminClient.NodeStatus fourth = null;
      for (int i = 0; i < 100; i++) { // bounded: 10 s
        fourth = admin.nodeStatus(n4.clientAddress()).get(10, TimeUnit.SECONDS);
        if (fourth.appliedIndex() >= leaderApplied) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertEquals("n4", fourth.nodeId());
      assertTrue(fourth.appliedIndex() >= leaderApplied, fourth + " vs " + leaderApplied);
    }
  }

  /** The cluster.peers the command tells the operator to start the new node with. */
  private static String awaitPrintedPeers(Cli.Running run) throws InterruptedException {
    Pattern peers = Pattern.compile("--cluster\\.peers=(\\S+)");
    for (int i = 0; i < 300; i++) { // bounded: 30 s
      Matcher matcher = peers.matcher(run.out().toString());
      if (matcher.find()) {
        return matcher.group(1);
      }
      if (!run.thread().isAlive()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("the command printed no next step:\n" + run.out() + run.err());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
