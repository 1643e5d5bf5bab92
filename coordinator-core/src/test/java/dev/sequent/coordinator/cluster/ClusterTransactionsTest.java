package dev.sequent.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnState;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Txns begin, register and decide through TccClient against a three-node cluster. */
class ClusterTransactionsTest {
  @TempDir static Path dir;
  static EmbeddedCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ClusterFixture.start(dir, Map.of());
    cluster.awaitLeader(30_000);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
    assertTrue(cluster.fatalErrors().isEmpty(), "fatal errors: " + cluster.fatalErrors());
  }

  static Branch branch(String id, String participant) {
    return new Branch(id, participant, ("pay-" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** A client that knows only this node: it must find the leader itself. */
  static TccClient clientVia(CoordinatorNode node) {
    return TccClient.builder().seeds(List.of(node.clientAddress())).operationTimeoutMs(30_000)
        .build();
  }

  @Test
  void everyNodeLeadsTheClientToTheLeaderAndTxnsDecide() throws Exception {
    for (CoordinatorNode entry : cluster.runningNodes()) {
      try (TccClient client = clientVia(entry)) {
        String xid = "via-" + entry.id();
        TxnResult begun = client.blocking().begin(xid, 60_000,
            List.of(branch("b1", "accounts-a")));
        assertEquals(Outcome.OK, begun.outcome(), begun.message());
        assertEquals(TxnState.TRYING, begun.txn().state());

        TxnResult registered = client.blocking().registerBranch(xid, branch("b2", "accounts-b"));
        assertEquals(Outcome.OK, registered.outcome(), registered.message());
        assertEquals(2, registered.txn().branches().size());

        TxnResult decided = client.blocking().decide(xid, Decision.CONFIRM);
        assertEquals(Outcome.OK, decided.outcome(), decided.message());
        // Phase two is not dispatched yet (next milestone): the decision is applied and each
        // branch has its participant sequence number.
        assertEquals(TxnState.CONFIRMING, decided.txn().state());
        decided.txn().branches().forEach(b -> assertTrue(b.seq() > 0, "seq of " + b));

        TxnResult status = client.blocking().status(xid);
        assertEquals(TxnState.CONFIRMING, status.txn().state());
      }
    }
  }

  @Test
  void retriesAreIdempotentAndDecisionsNeverFlip() {
    try (TccClient client = clientVia(cluster.runningNodes().get(0))) {
      String xid = TccClient.newXid();
      List<Branch> branches = List.of(branch("b1", "p1"));
      assertEquals(Outcome.OK, client.blocking().begin(xid, 60_000, branches).outcome());
      assertEquals(Outcome.OK, client.blocking().begin(xid, 60_000, branches).outcome(),
          "the same begin again is the same answer");
      assertEquals(Outcome.XID_CONFLICT,
          client.blocking().begin(xid, 60_000, List.of(branch("other", "p1"))).outcome());

      assertEquals(Outcome.OK, client.blocking().decide(xid, Decision.CANCEL).outcome());
      TxnResult again = client.blocking().decide(xid, Decision.CANCEL);
      assertEquals(Outcome.OK, again.outcome(), "the same decision again is idempotent");
      TxnResult flip = client.blocking().decide(xid, Decision.CONFIRM);
      assertEquals(Outcome.DECISION_CONFLICT, flip.outcome());
      assertEquals(TxnState.CANCELLING, flip.txn().state());
      assertEquals(Outcome.NOT_TRYING,
          client.blocking().registerBranch(xid, branch("late", "p2")).outcome());
      assertEquals(Outcome.TXN_NOT_FOUND, client.blocking().status("no-such-xid").outcome());
    }
  }

  @Test
  void aTxnPastItsDeadlineIsCancelledByTheCluster() throws Exception {
    try (TccClient client = clientVia(cluster.runningNodes().get(1))) {
      String xid = TccClient.newXid();
      assertEquals(Outcome.OK,
          client.blocking().begin(xid, 300, List.of(branch("b1", "p1"))).outcome());
      TxnResult status = null;
      for (int i = 0; i < 100; i++) { // bounded: 10 s
        status = client.blocking().status(xid);
        if (status.txn().state() != TxnState.TRYING) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertNotNull(status);
      assertEquals(TxnState.CANCELLING, status.txn().state());
      assertTrue(status.txn().expired(), "cancelled by expiry, not by the initiator");
      assertEquals(Outcome.DECISION_CONFLICT,
          client.blocking().decide(xid, Decision.CONFIRM).outcome());
    }
  }

  @Test
  void manyConcurrentTxnsAllDecide() throws Exception {
    List<InetSocketAddress> all = cluster.clientAddresses();
    try (TccClient client = TccClient.builder().seeds(all).operationTimeoutMs(60_000).build()) {
      List<CompletableFuture<TxnResult>> decided = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String xid = "bulk-" + i;
        Decision decision = i % 3 == 0 ? Decision.CANCEL : Decision.CONFIRM;
        decided.add(client.begin(xid, 60_000, List.of(branch("b", "p" + (i % 4))))
            .thenCompose(r -> client.decide(xid, decision)));
      }
      for (CompletableFuture<TxnResult> f : decided) {
        TxnResult result = f.get(60, TimeUnit.SECONDS);
        assertEquals(Outcome.OK, result.outcome(), result.message());
      }
    }
  }
}
