package dev.sequent.coordinator.phase2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.TccClient;
import dev.sequent.client.TryResult;
import dev.sequent.client.TxnState;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.protocol.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other common way into phase one: the initiator calls the participant service over the
 * service's own RPC with the xid in a header, and the participant registers its own branch and
 * runs its fenced try. It reaches the same fence and the same phase two as a try sent by TccClient.
 */
class HeaderWayTest {
  @TempDir Path dir;

  @Test
  void aParticipantRegistersItsOwnBranchAndGetsItsConfirm() throws Exception {
    try (Phase2Cluster env = new Phase2Cluster(dir, Map.of(), "ledger-x");
        TccClient serviceClient = TccClient.builder().seeds(env.cluster.clientAddresses())
            .operationTimeoutMs(30_000).build()) {
      Ledger ledger = new Ledger("orders");
      try (ParticipantEndpoint service = ParticipantEndpoint.builder()
          .participant("orders", ledger, ledger.fence)
          .client(serviceClient) // announces itself and registers branches with the cluster
          .start()) {
        String xid = TccClient.newXid();
        assertEquals(Outcome.OK, env.client.blocking().begin(xid, 60_000, List.of()).outcome());

        // What the service's HTTP handler does with the xid it found in the request header:
        TryResult tried = service.registerAndTry("orders", xid, "order-1",
            "reserve 3 items".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
        assertTrue(tried.isOk(), tried.toString());
        assertEquals(1, env.client.blocking().status(xid).txn().branches().size(),
            "the participant registered its branch itself");

        assertEquals(Outcome.OK, env.client.blocking().confirm(xid).outcome());
        assertEquals(TxnState.CONFIRMED, env.awaitFinal(xid, 30_000).state());
        List<Ledger.Applied> applied = ledger.phaseTwo();
        assertEquals(1, applied.size());
        assertEquals("CONFIRM", applied.get(0).step());
        assertEquals(xid, applied.get(0).xid());
      }
    }
  }
}
