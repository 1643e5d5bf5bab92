package dev.sequent.coordinator.cluster;

import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Bounded waits on a cluster's state. */
final class ClusterAwait {
  private ClusterAwait() {}

  /**
   * Waits until every running node holds the same state and returns the dumps by node id (the
   * last ones read, equal or not, if the time runs out: the caller asserts).
   */
  static Map<String, String> convergedDumps(EmbeddedCluster cluster, long timeoutMs)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    Map<String, String> dumps;
    do {
      dumps = new LinkedHashMap<>();
      for (CoordinatorNode node : cluster.runningNodes()) {
        try {
          dumps.put(node.id(), StateDump.of(node.stateMachine().store()));
        } catch (IllegalStateException storeBeingReplaced) {
          // A snapshot install swaps the store: read again on the next round.
          dumps.put(node.id(), "(store closed: " + storeBeingReplaced.getMessage() + ")");
        }
      }
      if (dumps.values().stream().distinct().count() == 1) {
        return dumps;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    } while (System.nanoTime() < deadline);
    return dumps;
  }
}
