package dev.sequent.coordinator.phase2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.TccClient;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A participant that stays down holds only its own stream: other participants' txns complete,
 * and when it returns its backlog drains in the cluster's order.
 */
class ParticipantDownTest {
  @TempDir Path dir;

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDownParticipantStallsOnlyItselfAndDrainsInOrderWhenBack() throws Exception {
    try (Phase2Cluster env = new Phase2Cluster(dir, Map.of(), "ledger-x", "ledger-y")) {
      // Txns tried on both participants while both are up...
      List<String> both = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String xid = TccClient.newXid();
        Branch x = new Branch("x", "ledger-x", bytes("-1"));
        Branch y = new Branch("y", "ledger-y", bytes("+1"));
        env.client.blocking().begin(xid, 600_000, List.of(x, y));
        assertTrue(env.client.tryBranch(env.endpoints.get("ledger-x").address(), xid, x)
            .get(30, TimeUnit.SECONDS).isOk());
        assertTrue(env.client.tryBranch(env.endpoints.get("ledger-y").address(), xid, y)
            .get(30, TimeUnit.SECONDS).isOk());
        both.add(xid);
      }
      // ... then ledger-y goes down before the decisions.
      env.stopEndpoint("ledger-y");
      both.forEach(xid -> env.client.blocking().confirm(xid));

      // Txns on ledger-x alone complete while ledger-y is down.
      List<String> xOnly = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        var result = env.client.transaction(600_000)
            .branch("x", "ledger-x", bytes("-2")).execute().get(30, TimeUnit.SECONDS);
        assertTrue(result.confirmed());
        xOnly.add(result.xid());
      }
      for (String xid : xOnly) {
        assertEquals(TxnState.CONFIRMED, env.awaitFinal(xid, 30_000).state(),
            "ledger-x's stream is not held up by ledger-y");
      }
      TimeUnit.MILLISECONDS.sleep(500);
      for (String xid : both) {
        TxnSnapshot txn = env.client.blocking().status(xid).txn();
        assertEquals(TxnState.CONFIRMING, txn.state(), "waits for ledger-y");
      }
      assertTrue(env.ledgers.get("ledger-y").phaseTwo().isEmpty());

      // ledger-y comes back: its backlog drains, in order.
      env.startEndpoint("ledger-y", 0);
      for (String xid : both) {
        assertEquals(TxnState.CONFIRMED, env.awaitFinal(xid, 60_000).state());
      }
      List<String> all = new ArrayList<>(both);
      all.addAll(xOnly);
      env.assertAppliedInDecisionOrder("ledger-x", all);
      env.assertAppliedInDecisionOrder("ledger-y", both);
    }
  }
}
