package dev.sequent.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.client.participant.TccResource;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An embedded cluster on 127.0.0.1 whose meters the test reads, one participant service with a
 * real endpoint and RocksDB fence (its resource does nothing), and a client that knows both.
 */
final class MetricsCluster implements AutoCloseable {
  static final String PARTICIPANT = "accounts";

  final EmbeddedCluster cluster;
  final RocksFenceStore fence;
  final ParticipantEndpoint endpoint;
  final TccClient client;

  MetricsCluster(int size, Path dir, MeterRegistry registry, boolean endpoints)
      throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    // Quick elections, yet long enough for a busy 2-core machine.
    settings.put("raft.electionTimeoutMinMs", "600");
    settings.put("raft.electionTimeoutMaxMs", "1200");
    settings.put("raft.requestTimeoutMs", "2000");
    settings.put("dispatch.backoffInitialMs", "20");
    settings.put("dispatch.backoffMaxMs", "200");
    settings.put("expiry.sweepIntervalMs", "50");
    cluster = new EmbeddedCluster(size, dir.resolve("cluster"), settings, registry, endpoints)
        .start();
    cluster.awaitLeader(30_000);
    fence = RocksFenceStore.open(dir.resolve("fence"));
    endpoint = ParticipantEndpoint.builder().bind("127.0.0.1", 0).meterRegistry(registry)
        .participant(PARTICIPANT, new NoOpResource(), fence).start();
    client = TccClient.builder().seeds(cluster.clientAddresses()).operationTimeoutMs(30_000)
        .participantEndpoint(PARTICIPANT, endpoint.address()).build();
    InetSocketAddress address = endpoint.address();
    TxnResult announced = client.blocking().announceEndpoint(PARTICIPANT,
        address.getHostString(), address.getPort());
    assertEquals(Outcome.OK, announced.outcome(), announced.message());
  }

  /** Waits (bounded) until the txn is CONFIRMED or CANCELLED. */
  TxnSnapshot awaitFinal(String xid, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    TxnSnapshot txn = null;
    while (System.nanoTime() < deadline) {
      txn = client.blocking().status(xid).txn();
      if (txn != null && (txn.state() == TxnState.CONFIRMED || txn.state() == TxnState.CANCELLED)) {
        return txn;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError("txn " + xid + " not final within " + timeoutMs + " ms: " + txn);
  }

  /** Waits (bounded) for a condition; false when it did not come true in time. */
  static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() throws IOException {
    client.close();
    endpoint.close();
    fence.close();
    cluster.close();
  }

  /** The business is not the point here: every step succeeds. */
  private static final class NoOpResource implements TccResource {
    @Override
    public void onTry(BranchContext branch) {}

    @Override
    public void onConfirm(BranchContext branch) {}

    @Override
    public void onCancel(BranchContext branch) {}
  }
}
