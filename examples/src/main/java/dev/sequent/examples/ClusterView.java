package dev.sequent.examples;

import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cluster's own record of the transfers, read back with status queries: the decision, and the
 * seq the cluster gave each branch's phase-2 call. The checks compare the banks against it.
 */
final class ClusterView {
  static final int QUERIES_IN_FLIGHT_MAX = 64;
  static final long POLL_MS = 100;
  static final long QUERY_WAIT_MS = 60_000;

  private ClusterView() {}

  /**
   * Waits (bounded) until every transaction is CONFIRMED or CANCELLED, that is, every branch's
   * phase-2 call was applied and acknowledged, and returns their snapshots. A transaction still
   * unfinished at the deadline is returned as last seen (null when the cluster did not know it).
   */
  static Map<String, TxnSnapshot> awaitFinished(TccClient client, Collection<String> xids,
      long timeoutMs) throws InterruptedException, TimeoutException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    Map<String, TxnSnapshot> seen = new HashMap<>();
    List<String> pending = new ArrayList<>(xids);
    while (true) {
      Map<String, TxnSnapshot> round = statuses(client, pending);
      seen.putAll(round);
      pending.removeIf(xid -> isFinished(round.get(xid)));
      if (pending.isEmpty() || System.nanoTime() > deadlineNs) {
        return seen;
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
  }

  static boolean isFinished(TxnSnapshot txn) {
    return txn != null
        && (txn.state() == TxnState.CONFIRMED || txn.state() == TxnState.CANCELLED);
  }

  private static Map<String, TxnSnapshot> statuses(TccClient client, List<String> xids)
      throws InterruptedException, TimeoutException {
    Semaphore slots = new Semaphore(QUERIES_IN_FLIGHT_MAX);
    Map<String, CompletableFuture<TxnResult>> answers = new HashMap<>();
    for (String xid : xids) {
      if (!slots.tryAcquire(QUERY_WAIT_MS, TimeUnit.MILLISECONDS)) {
        throw new TimeoutException("status queries got no answer for " + QUERY_WAIT_MS + " ms");
      }
      answers.put(xid, client.status(xid).whenComplete((answer, failure) -> slots.release()));
    }
    Map<String, TxnSnapshot> snapshots = new HashMap<>();
    for (Map.Entry<String, CompletableFuture<TxnResult>> answer : answers.entrySet()) {
      try {
        snapshots.put(answer.getKey(),
            answer.getValue().get(QUERY_WAIT_MS, TimeUnit.MILLISECONDS).txn());
      } catch (ExecutionException e) {
        snapshots.put(answer.getKey(), null); // the client gave up: asked again next round
      }
    }
    return snapshots;
  }
}
