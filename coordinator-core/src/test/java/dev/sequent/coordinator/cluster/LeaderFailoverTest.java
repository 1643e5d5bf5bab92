package dev.sequent.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnState;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader is killed while clients are mid-transaction. A new leader serves; every txn a client
 * saw decided stays decided; the txns in flight complete after the client's retries; none is
 * cancelled because of the election (Seata's Raft mode aborts them).
 */
class LeaderFailoverTest {
  static final int WORKERS = 4;
  static final int TXNS_PER_WORKER = 40;

  @TempDir Path dir;

  @Test
  void killingTheLeaderMidTransactionAbortsNothing() throws Exception {
    try (EmbeddedCluster cluster = ClusterFixture.start(dir, Map.of());
        TccClient client = TccClient.builder().seeds(cluster.clientAddresses())
            .operationTimeoutMs(60_000).build()) {
      CoordinatorNode oldLeader = cluster.awaitLeader(30_000);
      Map<String, TxnState> seenDecided = new ConcurrentHashMap<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicInteger started = new AtomicInteger();

      ExecutorService workers = Executors.newFixedThreadPool(WORKERS, r -> {
        Thread t = new Thread(r, "failover-worker");
        t.setDaemon(true);
        return t;
      });
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        int worker = w;
        done.add(workers.submit(() -> {
          for (int i = 0; i < TXNS_PER_WORKER; i++) {
            started.incrementAndGet();
            runOneTxn(client, "w" + worker + "-" + i, seenDecided, failures);
          }
        }));
      }
      // Kill the leader once the workers are well into their txns.
      while (started.get() < WORKERS * TXNS_PER_WORKER / 3) {
        TimeUnit.MILLISECONDS.sleep(5);
      }
      cluster.stop(oldLeader.id());
      CoordinatorNode newLeader = cluster.awaitLeader(30_000);
      assertNotEquals(oldLeader.id(), newLeader.id());

      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      workers.shutdownNow();

      assertTrue(failures.isEmpty(), "txns that failed across the election: " + failures);
      assertEquals(WORKERS * TXNS_PER_WORKER, seenDecided.size());
      // Every decision the clients saw is what the new leader holds.
      for (Map.Entry<String, TxnState> seen : seenDecided.entrySet()) {
        TxnResult status = client.blocking().status(seen.getKey());
        assertEquals(Outcome.OK, status.outcome(), seen.getKey());
        assertEquals(TxnState.CONFIRMING, status.txn().state(),
            seen.getKey() + " must stay confirmed, never cancelled by the election");
        assertEquals(seen.getValue(), status.txn().state());
      }
      assertTrue(cluster.fatalErrors().isEmpty(), "fatal errors: " + cluster.fatalErrors());
    }
  }

  private static void runOneTxn(TccClient client, String xid, Map<String, TxnState> seenDecided,
      List<String> failures) {
    try {
      Branch a = new Branch("debit", "accounts-a", xid.getBytes(StandardCharsets.UTF_8));
      Branch b = new Branch("credit", "accounts-b", xid.getBytes(StandardCharsets.UTF_8));
      TxnResult begun = client.blocking().begin(xid, 120_000, List.of(a));
      TxnResult registered = client.blocking().registerBranch(xid, b);
      TxnResult decided = client.blocking().decide(xid, Decision.CONFIRM);
      if (!begun.isOk() || !registered.isOk() || !decided.isOk()) {
        failures.add(xid + ": " + begun.outcome() + "/" + registered.outcome() + "/"
            + decided.outcome() + " " + decided.message());
        return;
      }
      seenDecided.put(xid, decided.txn().state());
    } catch (RuntimeException e) {
      failures.add(xid + ": " + e);
    }
  }
}
