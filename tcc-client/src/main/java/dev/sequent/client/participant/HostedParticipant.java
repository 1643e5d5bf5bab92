package dev.sequent.client.participant;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant on an endpoint: its fence and the one thread that applies its phase-2 calls.
 *
 * <p>One thread, fed in arrival order, is what keeps a participant's calls in the order the
 * pinned connection delivered them; the fence refuses anything out of seq order anyway, so a
 * second connection (a new leader, a reconnect) can only cause refusals, never disorder.
 */
final class HostedParticipant {
  private static final Logger log = LoggerFactory.getLogger(HostedParticipant.class);
  static final String PHASE2_THREAD_PREFIX = "sequent-phase2-";

  private final Fence fence;
  private final ThreadPoolExecutor phase2;
  private final ParticipantMetrics metrics;

  HostedParticipant(Fence fence, int phase2QueueMax, MeterRegistry registry) {
    this.fence = fence;
    this.phase2 = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(phase2QueueMax),
        Threads.daemon(PHASE2_THREAD_PREFIX + fence.participant()));
    this.metrics = new ParticipantMetrics(registry, fence.participant(),
        () -> phase2.getQueue().size());
  }

  Fence fence() {
    return fence;
  }

  ParticipantMetrics metrics() {
    return metrics;
  }

  /**
   * Queues a phase-2 task behind the earlier ones.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the queue is full or stopped
   */
  void submitPhase2(Runnable task) {
    phase2.execute(task);
  }

  /**
   * Drops the calls not started yet (the leader resends them: nothing was applied) and waits at
   * most {@code waitMs} for the running one. Never interrupts it: an interrupt inside a database
   * driver can break the connection, or an embedded database's file, mid-commit.
   *
   * @return true when the thread ended in time
   */
  boolean stop(long waitMs) throws InterruptedException {
    List<Runnable> dropped = new ArrayList<>();
    phase2.getQueue().drainTo(dropped);
    phase2.shutdown();
    if (!dropped.isEmpty()) {
      log.info("{}: {} queued phase-2 calls dropped unapplied at close; the leader resends them",
          fence.participant(), dropped.size());
    }
    return phase2.awaitTermination(waitMs, TimeUnit.MILLISECONDS);
  }
}
