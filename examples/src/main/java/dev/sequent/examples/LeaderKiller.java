package dev.sequent.examples;

import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Kills the coordinator's leader while transfers are in flight, waits for a new one, then
 * restarts the killed node from its data directory. Runs on its own thread ({@code
 * demo-kill-leader}) so the transfers never wait for it; it tells its story through {@code say}.
 */
final class LeaderKiller {
  static final long LEADER_WAIT_MS = 30_000;

  /** What happened, for the summary and the checks. */
  record Report(String killed, String next, long term, long failoverMs, String failure) {}

  private final EmbeddedCluster cluster;
  private final Consumer<String> say;
  private Thread thread;
  private volatile Report report;

  LeaderKiller(EmbeddedCluster cluster, Consumer<String> say) {
    this.cluster = cluster;
    this.say = say;
  }

  void start(int transfersBegun) {
    thread = new Thread(() -> report = killAndRecover(transfersBegun), "demo-kill-leader");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits (bounded) for the story to end; null when it never started. */
  Report await() throws InterruptedException {
    if (thread == null) {
      return null;
    }
    thread.join(3 * LEADER_WAIT_MS + 10_000); // three bounded waits, and some slack
    Report done = report;
    return done != null ? done : new Report(null, null, 0, 0, "still running");
  }

  private Report killAndRecover(int transfersBegun) {
    String killed = null;
    try {
      killed = cluster.awaitLeader(LEADER_WAIT_MS).id();
      long killedNs = System.nanoTime();
      cluster.stop(killed); // as a crash would: its data directory stays
      say.accept(String.format("  ! killed the leader %s after %d transfers had begun",
          killed, transfersBegun));
      CoordinatorNode next = cluster.awaitLeader(LEADER_WAIT_MS);
      long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
      long term = next.raft().currentTerm();
      say.accept(String.format("  ! %s leads now (term %d), %.1f s after the kill; transfers"
          + " in flight carried on", next.id(), term, failoverMs / 1e3));
      long target = next.raft().lastAppliedIndex();
      CoordinatorNode restarted = cluster.start(killed);
      if (!awaitCaughtUp(restarted, target)) {
        return new Report(killed, next.id(), term, failoverMs, killed + " restarted but"
            + " did not catch up to index " + target + " within " + LEADER_WAIT_MS + " ms");
      }
      say.accept(String.format("  ! %s restarted from its data directory, rejoined as a"
          + " follower and caught up (log index %d)", killed, target));
      return new Report(killed, next.id(), term, failoverMs, null);
    } catch (Exception e) {
      say.accept("  ! the failover went wrong: " + e);
      return new Report(killed, null, 0, 0, e.toString());
    }
  }

  /** Waits (bounded) until the node knows a leader and has applied {@code index}. */
  private static boolean awaitCaughtUp(CoordinatorNode node, long index)
      throws InterruptedException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEADER_WAIT_MS);
    while (System.nanoTime() < deadlineNs) {
      if (node.raft().leaderId().isPresent() && node.raft().lastAppliedIndex() >= index) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return false;
  }
}
