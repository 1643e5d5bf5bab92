package dev.sequent.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.TccClient;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that was down while the leader purged its log past the follower's position catches up
 * by installing the leader's snapshot (a RocksDB checkpoint), then holds the same state.
 */
class SnapshotInstallTest {
  @TempDir Path dir;

  @Test
  void aFollowerBehindThePurgedLogCatchesUpBySnapshot() throws Exception {
    Map<String, String> smallLog = Map.of(
        "raft.snapshotThresholdEntries", "40",
        "raft.purgeGapEntries", "1",
        "raft.segmentSizeMaxBytes", "16384");
    try (EmbeddedCluster cluster = ClusterFixture.start(dir, smallLog);
        TccClient client = TccClient.builder().seeds(cluster.clientAddresses())
            .operationTimeoutMs(60_000).build()) {
      CoordinatorNode leader = cluster.awaitLeader(30_000);
      NodeRestartTest.runTxns(client, "early", 20);
      String follower = cluster.ids().stream().filter(id -> !id.equals(leader.id()))
          .findFirst().orElseThrow();
      long followerApplied = cluster.node(follower).orElseThrow().raft().lastAppliedIndex();
      cluster.stop(follower);

      // Enough entries for several snapshots; each one lets the leader purge its log.
      for (int round = 0; round < 20 && leader.raft().logStartIndex() <= followerApplied + 1;
          round++) {
        NodeRestartTest.runTxns(client, "while-down-" + round, 40);
        TimeUnit.MILLISECONDS.sleep(50);
      }
      assertTrue(leader.raft().logStartIndex() > followerApplied + 1,
          "the leader purged its log past the follower (start " + leader.raft().logStartIndex()
              + ", follower at " + followerApplied + ")");

      CoordinatorNode restarted = cluster.start(follower);
      Map<String, String> dumps = ClusterAwait.convergedDumps(cluster, 60_000);
      assertEquals(1, dumps.values().stream().distinct().count(),
          "nodes disagree after snapshot install");
      assertTrue(restarted.stateMachine().snapshotInstalls() >= 1,
          "the follower caught up through a snapshot install");
      NodeRestartTest.runTxns(client, "after", 5);
      assertTrue(cluster.fatalErrors().isEmpty(), "fatal errors: " + cluster.fatalErrors());
    }
  }
}
