package dev.sequent.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.TccClient;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import dev.sequent.storage.StagedWrites;
import dev.sequent.storage.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose apply hits a broken invariant (here: a corrupt record in its store) stops instead of
 * living on as a zombie with a closed Raft division; the other two nodes keep serving.
 */
class FatalApplyTest {
  @TempDir Path dir;

  @Test
  void aNodeThatCannotApplyStopsAndTheMajorityGoesOn() throws Exception {
    try (EmbeddedCluster cluster = ClusterFixture.start(dir, Map.of());
        TccClient client = TccClient.builder().seeds(cluster.clientAddresses())
            .operationTimeoutMs(30_000).build()) {
      CoordinatorNode leader = cluster.awaitLeader(30_000);
      CoordinatorNode victim = cluster.runningNodes().stream()
          .filter(n -> !n.id().equals(leader.id())).findFirst().orElseThrow();

      // Corrupt the record of one xid in the follower's store only (what a bad disk might do).
      StateStore store = victim.stateMachine().store();
      StagedWrites corrupt = store.stage();
      corrupt.put("txn", "poisoned".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xEE});
      store.commit(corrupt, store.appliedIndex());

      Branch branch = new Branch("b", "p", new byte[] {1});
      assertEquals(Outcome.OK, client.blocking().begin("poisoned", 60_000, List.of(branch))
          .outcome(), "the leader and the healthy follower form a majority");

      for (int i = 0; i < 100 && !victim.isClosed(); i++) { // bounded: 10 s
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertTrue(victim.isClosed(), "the node that could not apply is stopped");
      assertTrue(cluster.fatalErrors().containsKey(victim.id()), "and says why");
      assertEquals(Outcome.OK, client.blocking().begin("after", 60_000, List.of(branch))
          .outcome(), "the other two nodes keep serving");
    }
  }
}
