package dev.sequent.coordinator.phase2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A three-node cluster on 127.0.0.1 and participant services, each a real endpoint with a real H2
 * ledger behind a JDBC fence, reached through a proxy the test can cut. The endpoints do not
 * announce themselves: the test announces the proxy's address, so every phase-2 call crosses it.
 */
final class Phase2Cluster implements AutoCloseable {
  final EmbeddedCluster cluster;
  final TccClient client;
  final Map<String, Ledger> ledgers = new LinkedHashMap<>();
  final Map<String, ParticipantEndpoint> endpoints = new LinkedHashMap<>();
  final Map<String, CuttableProxy> proxies = new LinkedHashMap<>();
  private final Map<String, Integer> endpointPorts = new LinkedHashMap<>();

  Phase2Cluster(Path dir, Map<String, String> settings, String... participants)
      throws Exception {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("raft.electionTimeoutMinMs", "600");
    all.put("raft.electionTimeoutMaxMs", "1200");
    all.put("raft.requestTimeoutMs", "2000");
    all.put("dispatch.backoffInitialMs", "20");
    all.put("dispatch.backoffMaxMs", "500");
    all.putAll(settings);
    cluster = new EmbeddedCluster(3, dir, all).start();
    cluster.awaitLeader(30_000);
    TccClient.Builder builder = TccClient.builder().seeds(cluster.clientAddresses())
        .operationTimeoutMs(60_000);
    for (String participant : participants) {
      ledgers.put(participant, new Ledger(participant));
      startEndpoint(participant, 0);
      CuttableProxy proxy = new CuttableProxy(endpoints.get(participant).address());
      proxies.put(participant, proxy);
      builder.participantEndpoint(participant, endpoints.get(participant).address());
    }
    client = builder.build();
    for (String participant : participants) {
      InetSocketAddress via = proxies.get(participant).address();
      TxnResult announced = client.blocking().announceEndpoint(participant,
          via.getHostString(), via.getPort());
      assertEquals(Outcome.OK, announced.outcome(), announced.message());
    }
  }

  /** Starts (or restarts, on the same port and fence) a participant's endpoint. */
  void startEndpoint(String participant, int port) throws InterruptedException {
    Ledger ledger = ledgers.get(participant);
    ParticipantEndpoint endpoint = ParticipantEndpoint.builder()
        .bind("127.0.0.1", port == 0 ? endpointPorts.getOrDefault(participant, 0) : port)
        .participant(participant, ledger, ledger.fence)
        .start();
    endpoints.put(participant, endpoint);
    endpointPorts.put(participant, endpoint.address().getPort());
  }

  void stopEndpoint(String participant) {
    endpoints.remove(participant).close();
  }

  /** Waits (bounded) until the txn is CONFIRMED or CANCELLED and returns it. */
  TxnSnapshot awaitFinal(String xid, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    TxnSnapshot txn;
    do {
      txn = client.blocking().status(xid).txn();
      if (txn != null && (txn.state() == TxnState.CONFIRMED || txn.state() == TxnState.CANCELLED)) {
        return txn;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    } while (System.nanoTime() < deadline);
    return txn;
  }

  /**
   * Checks that the participant applied exactly the calls the cluster decided for it, once each,
   * in the cluster's order. Two records tell: the fence (one row per branch, with the seq it was
   * applied at, written in the same local transaction as the business change) must hold every
   * decided call 1..n with the decided outcome; the ledger (the resource's own rows, in the order
   * they were written) must show increasing seqs, each the branch the cluster gave that seq, none
   * twice. A call with no ledger row must be an empty cancel (a cancel of a branch whose try
   * never reached the participant, recorded by the fence without calling the resource).
   */
  void assertAppliedInDecisionOrder(String participant, List<String> xids)
      throws SQLException {
    TreeMap<Long, String> decided = new TreeMap<>();
    Map<String, TxnState> outcome = new LinkedHashMap<>();
    for (String xid : xids) {
      TxnSnapshot txn = client.blocking().status(xid).txn();
      outcome.put(xid, txn.state());
      txn.branches().stream().filter(b -> b.participant().equals(participant))
          .forEach(b -> decided.put(b.seq(), xid + "/" + b.branchId()));
    }
    Ledger ledger = ledgers.get(participant);
    Map<Long, String[]> fence = ledger.fenceBySeq(participant);
    for (Map.Entry<Long, String> call : decided.entrySet()) {
      String[] row = fence.get(call.getKey());
      assertTrue(row != null, participant + " has no fence row for seq " + call.getKey());
      assertEquals(call.getValue(), row[0], participant + " seq " + call.getKey());
      String xid = call.getValue().substring(0, call.getValue().indexOf('/'));
      String expected = outcome.get(xid) == TxnState.CONFIRMED ? "CONFIRMED" : "CANCELLED";
      assertTrue(row[1].startsWith(expected), call.getValue() + " is " + row[1]);
    }
    long previous = 0;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Ledger.Applied row : ledger.phaseTwo()) {
      String call = row.xid() + "/" + row.branchId();
      assertTrue(row.seq() > previous, participant + " applied out of order at " + row);
      assertEquals(decided.get(row.seq()), call, participant + " applied the wrong call " + row);
      assertTrue(seen.add(call), participant + " applied twice: " + row);
      previous = row.seq();
    }
    for (Map.Entry<Long, String> call : decided.entrySet()) {
      if (!seen.contains(call.getValue())) {
        assertEquals("CANCELLED_EMPTY", fence.get(call.getKey())[1],
            call.getValue() + " was never applied by the resource, so it must be an empty cancel");
      }
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
    for (ParticipantEndpoint endpoint : endpoints.values()) {
      endpoint.close();
    }
    for (CuttableProxy proxy : proxies.values()) {
      proxy.close();
    }
    cluster.close();
  }
}
