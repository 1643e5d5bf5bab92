package dev.sequent.client.participant;

import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the cluster, again and again, where an endpoint's participants listen.
 *
 * <p>Repeating is the point: the latest announcement wins, and a new leader, or a cluster that
 * lost the endpoint (a restart on another port), learns it within one interval without anyone
 * having to remember to announce. At most one announcement per participant is in flight: when the
 * cluster is unreachable, rounds are skipped instead of piling up calls.
 */
final class Announcer {
  private static final Logger log = LoggerFactory.getLogger(Announcer.class);
  static final String THREAD_PREFIX = "sequent-participant-announce";
  static final long CLOSE_WAIT_MS = 2_000;

  private final TccClient client;
  private final List<String> participants;
  private final String host;
  private final int port;
  private final long intervalMs;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Threads.daemon(THREAD_PREFIX));
  private final Set<String> inflight = ConcurrentHashMap.newKeySet();
  /** Participants whose last announcement failed, so a failure streak is logged once. */
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  Announcer(TccClient client, List<String> participants, String host, int port, long intervalMs) {
    this.client = client;
    this.participants = List.copyOf(participants);
    this.host = host;
    this.port = port;
    this.intervalMs = intervalMs;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::announceAll, 0, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void announceAll() {
    for (String participant : participants) {
      if (!inflight.add(participant)) {
        continue; // the previous announcement is still trying: do not pile up
      }
      try {
        client.announceEndpoint(participant, host, port)
            .whenComplete((result, failure) -> done(participant, result, failure));
      } catch (RuntimeException e) {
        done(participant, null, e);
      }
    }
  }

  private void done(String participant, TxnResult result, Throwable failure) {
    inflight.remove(participant);
    if (failure == null && result.isOk()) {
      if (failing.remove(participant)) {
        log.info("announced {} at {}:{} again", participant, host, port);
      } else {
        log.debug("announced {} at {}:{}", participant, host, port);
      }
      return;
    }
    String why = failure != null ? failure.toString() : result.outcome() + " " + result.message();
    if (failing.add(participant)) {
      log.warn("cannot announce {} at {}:{} (retrying every {} ms): {}", participant, host, port,
          intervalMs, why);
    }
  }

  /** Stops announcing; waits at most 2 s for a round in progress (it only queues calls). */
  void stop() {
    timer.shutdownNow();
    try {
      if (!timer.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        log.warn("the announce timer did not stop within {} ms", CLOSE_WAIT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
