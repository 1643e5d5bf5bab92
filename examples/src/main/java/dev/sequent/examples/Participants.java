package dev.sequent.examples;

import dev.sequent.client.TccClient;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.coordinator.server.EmbeddedCluster;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo's two participant services, accounts-eu and accounts-us: each a real endpoint on
 * 127.0.0.1 with a RocksDB fence in the demo's data directory, announced to the cluster so the
 * leader knows where to deliver their phase two.
 */
final class Participants implements AutoCloseable {
  final Map<String, CountingLedger> ledgers = new LinkedHashMap<>();
  final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final EmbeddedCluster cluster;

  Participants(EmbeddedCluster cluster, Path dataDir) throws Exception {
    this.cluster = cluster;
    TccClient announcer = TccClient.builder().seeds(cluster.clientAddresses())
        .operationTimeoutMs(30_000).build();
    resources.add(announcer);
    for (String name : List.of("accounts-eu", "accounts-us")) {
      CountingLedger ledger = new CountingLedger();
      RocksFenceStore fence = RocksFenceStore.open(dataDir.resolve("fence-" + name));
      resources.add(fence);
      ParticipantEndpoint endpoint = ParticipantEndpoint.builder()
          .participant(name, ledger, fence)
          .client(announcer)
          .start();
      resources.add(0, endpoint); // endpoints close before their fences and the client
      ledgers.put(name, ledger);
      addresses.put(name, endpoint.address());
      announcer.blocking().announceEndpoint(name, endpoint.address().getHostString(),
          endpoint.address().getPort());
    }
  }

  /** An initiator's client that knows where the participants' try endpoints are. */
  TccClient initiator() {
    TccClient.Builder builder = TccClient.builder().seeds(cluster.clientAddresses())
        .operationTimeoutMs(30_000);
    addresses.forEach(builder::participantEndpoint);
    return builder.build();
  }

  /** Waits (bounded) until both participants confirmed xid; returns when the later did. */
  long awaitBothConfirmed(String xid, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      Long eu = ledgers.get("accounts-eu").confirmedAtNs.get(xid);
      Long us = ledgers.get("accounts-us").confirmedAtNs.get(xid);
      if (eu != null && us != null) {
        return Math.max(eu, us);
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    throw new IllegalStateException(xid + " was not confirmed on both participants in time");
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }
}
