package dev.sequent.coordinator.server;

import dev.sequent.coordinator.propose.Proposer;
import dev.sequent.coordinator.raft.RaftNode;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.storage.StateReader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, proposes an expiry command when a TRYING txn is past its deadline. Expiry is a
 * log command (like TigerBeetle's pulse), not a timer on each node: the command carries the
 * leader's time, and every node cancels exactly the same txns when it applies it.
 *
 * <p>It proposes only when the deadline index shows something due by the local clock, so an idle
 * cluster writes no entries; the cluster time in the entry decides what actually expires.
 */
final class ExpirySweeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);

  private final RaftNode raft;
  private final Proposer proposer;
  private final TransactionTable table;
  private final int batchMax;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean proposing = new AtomicBoolean();
  /**
   * No TRYING txn can have a deadline below this, now or later: the sweep found none up to it,
   * and a txn begun later gets a deadline above the cluster time read before that look. Only
   * the timer thread touches it; it restarts from 0 whenever this node is not the ready leader.
   */
  private long noDeadlineBelowMs;

  ExpirySweeper(RaftNode raft, Proposer proposer, TransactionTable table, long intervalMs,
      int batchMax) {
    this.raft = raft;
    this.proposer = proposer;
    this.table = table;
    this.batchMax = batchMax;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sequent-expiry-" + raft.id());
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::sweep, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    try {
      if (!raft.isLeaderReady()) {
        noDeadlineBelowMs = 0;
        return;
      }
      if (proposing.get()) {
        return;
      }
      StateReader store = raft.stateMachine().store();
      long clusterMs = table.clusterTimeMs(store); // read before the scan: see noDeadlineBelowMs
      long nowMs = System.currentTimeMillis();
      long earliest = table.earliestDeadlineMs(store, noDeadlineBelowMs, nowMs);
      if (earliest > nowMs) {
        noDeadlineBelowMs = Math.max(noDeadlineBelowMs, Math.min(clusterMs, nowMs));
        return;
      }
      proposing.set(true);
      proposer.propose(new Command.ExpireDue(batchMax))
          .whenComplete((result, failure) -> proposing.set(false));
    } catch (RuntimeException e) {
      // A store closed under us during a snapshot install or shutdown: try again next tick.
      LOG.debug("Expiry sweep skipped: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
