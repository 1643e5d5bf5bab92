package dev.sequent.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes stopped and restarted from their data directories end up holding identical state. */
class NodeRestartTest {
  @TempDir Path dir;

  static void runTxns(TccClient client, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      String xid = prefix + "-" + i;
      Branch branch = new Branch("b", "p" + (i % 3), xid.getBytes(StandardCharsets.UTF_8));
      assertEquals(Outcome.OK, client.blocking().begin(xid, 600_000, List.of(branch)).outcome());
      Decision decision = i % 4 == 0 ? Decision.CANCEL : Decision.CONFIRM;
      assertEquals(Outcome.OK, client.blocking().decide(xid, decision).outcome());
    }
  }

  @Test
  void aRestartedFollowerCatchesUpAndEveryNodeHoldsTheSameState() throws Exception {
    try (EmbeddedCluster cluster = ClusterFixture.start(dir, Map.of());
        TccClient client = TccClient.builder().seeds(cluster.clientAddresses())
            .operationTimeoutMs(60_000).build()) {
      CoordinatorNode leader = cluster.awaitLeader(30_000);
      runTxns(client, "before", 30);
      String follower = cluster.ids().stream().filter(id -> !id.equals(leader.id()))
          .findFirst().orElseThrow();

      cluster.stop(follower);
      runTxns(client, "while-down", 30);
      cluster.start(follower);
      runTxns(client, "after", 10);

      Map<String, String> dumps = ClusterAwait.convergedDumps(cluster, 30_000);
      assertEquals(3, dumps.size());
      assertEquals(1, dumps.values().stream().distinct().count(),
          "nodes disagree after restart: " + dumps.keySet());
      assertTrue(dumps.get(follower).contains("# txn"), "dump has the txn keyspace");
    }
  }

  /**
   * After a crash the store can be ahead of the newest snapshot (its writes reached the disk, no
   * snapshot was taken since), and Ratis replays the log from the snapshot. The replay guard must
   * skip what the store holds: applying an entry twice would move the applied index backwards,
   * which the store refuses, and the node would stop.
   */
  @Test
  void aNodeWhoseStoreIsAheadOfItsSnapshotsSkipsTheReplayedEntries() throws Exception {
    try (EmbeddedCluster cluster = ClusterFixture.start(dir, Map.of());
        TccClient client = TccClient.builder().seeds(cluster.clientAddresses())
            .operationTimeoutMs(60_000).build()) {
      CoordinatorNode leader = cluster.awaitLeader(30_000);
      runTxns(client, "before-crash", 30);
      String follower = cluster.ids().stream().filter(id -> !id.equals(leader.id()))
          .findFirst().orElseThrow();
      Path raftDir = cluster.node(follower).orElseThrow().config().dataDir().resolve("raft");
      cluster.stop(follower);
      // Drop the snapshots the stop took, as a crash would never have written them.
      try (var groups = java.nio.file.Files.list(raftDir)) {
        for (Path group : (Iterable<Path>) groups::iterator) {
          deleteRecursively(group.resolve("sm"));
        }
      }
      CoordinatorNode restarted = cluster.start(follower);
      runTxns(client, "after-crash", 10);
      Map<String, String> dumps = ClusterAwait.convergedDumps(cluster, 30_000);
      assertEquals(1, dumps.values().stream().distinct().count(), "nodes disagree after replay");
      assertTrue(cluster.fatalErrors().isEmpty(), "fatal errors: " + cluster.fatalErrors());
      assertTrue(!restarted.isClosed());
    }
  }

  static void deleteRecursively(Path path) throws java.io.IOException {
    if (!java.nio.file.Files.exists(path)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  @Test
  void theWholeClusterRestartsFromItsDataDirectories() throws Exception {
    Map<String, String> before;
    try (EmbeddedCluster cluster = ClusterFixture.start(dir, Map.of());
        TccClient client = TccClient.builder().seeds(cluster.clientAddresses())
            .operationTimeoutMs(60_000).build()) {
      cluster.awaitLeader(30_000);
      runTxns(client, "first-life", 40);
      before = ClusterAwait.convergedDumps(cluster, 30_000);
      assertEquals(1, before.values().stream().distinct().count());
      // Every node stops: only the data directories remain (the cluster object keeps its ports).
      cluster.close();
      cluster.start();
      cluster.awaitLeader(30_000);
      Map<String, String> after = ClusterAwait.convergedDumps(cluster, 30_000);
      assertEquals(before.values().iterator().next(), after.values().iterator().next(),
          "state after a full restart is the state before it");
      for (int i = 0; i < 40; i++) {
        assertEquals(Outcome.OK, client.blocking().status("first-life-" + i).outcome());
      }
      runTxns(client, "second-life", 10);
      assertTrue(cluster.fatalErrors().isEmpty(), "fatal errors: " + cluster.fatalErrors());
    }
  }
}
