package dev.sequent.examples;

import dev.sequent.client.TccClient;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.examples.bank.AccountService;
import dev.sequent.examples.bank.Phase2Listener;
import dev.sequent.examples.bank.RocksAccountService;
import dev.sequent.examples.bank.SqlAccountService;
import dev.sequent.examples.bank.TransferService;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Everything the demo runs, on 127.0.0.1 in this JVM: three coordinator nodes (real Raft, real
 * RocksDB directories), the two banks (bank-eu on H2 with the JDBC fence, bank-us on RocksDB with
 * the RocksDB fence), and the transfer service with its client. Closed in the reverse order.
 */
final class DemoSystem implements AutoCloseable {
  static final String BANK_EU = "bank-eu";
  static final String BANK_US = "bank-us";
  static final long LEADER_WAIT_MS = 30_000;
  static final long TXN_TIMEOUT_MS = 30_000;

  final EmbeddedCluster cluster;
  final List<AccountService> banks = new ArrayList<>();
  final TransferService transfers;
  final HangingInitiator hanging;
  private final ScheduledExecutorService timer;
  // Not final: close() runs from the constructor when start-up fails half-way.
  TccClient initiator;

  private DemoSystem(Path dataDir, Phase2Listener listener, PrintStream out) throws Exception {
    timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "demo-hang-timer");
      thread.setDaemon(true);
      return thread;
    });
    out.printf("Starting three coordinator nodes on 127.0.0.1 (Raft and RocksDB)%n");
    out.printf("  data in %s%n", dataDir);
    long startNs = System.nanoTime();
    cluster = new EmbeddedCluster(3, dataDir.resolve("coordinators"), Map.of());
    try {
      cluster.start();
      CoordinatorNode leader = cluster.awaitLeader(LEADER_WAIT_MS);
      out.printf("  %s leads after %.1f s; client ports %s%n", leader.id(),
          (System.nanoTime() - startNs) / 1e9, ports(cluster.clientAddresses()));
      List<InetSocketAddress> coordinators = cluster.clientAddresses();
      banks.add(SqlAccountService.start(BANK_EU, dataDir.resolve(BANK_EU), coordinators,
          listener));
      banks.add(RocksAccountService.start(BANK_US, dataDir.resolve(BANK_US), coordinators,
          listener));
      TccClient.Builder client = TccClient.builder().seeds(coordinators)
          .operationTimeoutMs(TXN_TIMEOUT_MS);
      for (AccountService bank : banks) {
        client.participantEndpoint(bank.participant(), bank.endpoint());
      }
      initiator = client.build();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
    transfers = new TransferService(initiator, DemoSystem::bankOf, TXN_TIMEOUT_MS);
    hanging = new HangingInitiator(initiator, endpoints(), DemoSystem::bankOf, timer);
    out.printf("Services on 127.0.0.1%n");
    out.printf("  %-10s port %-6d accounts in H2; JDBC fence in the same local transaction%n",
        BANK_EU, bank(BANK_EU).endpoint().getPort());
    out.printf("  %-10s port %-6d accounts in RocksDB; RocksDB fence; effects idempotent by"
        + " branch%n", BANK_US, bank(BANK_US).endpoint().getPort());
    out.printf("  %-10s initiator   begin with both branches, tries in parallel, confirm or"
        + " cancel%n", "transfers");
  }

  static DemoSystem start(Path dataDir, Phase2Listener listener, PrintStream out)
      throws Exception {
    return new DemoSystem(dataDir, listener, out);
  }

  /** The bank that holds an account: eu-* accounts are bank-eu's, us-* bank-us's. */
  static String bankOf(String account) {
    if (account.startsWith("eu-")) {
      return BANK_EU;
    }
    if (account.startsWith("us-")) {
      return BANK_US;
    }
    throw new IllegalArgumentException("no bank holds account " + account);
  }

  AccountService bank(String participant) {
    return banks.stream().filter(b -> b.participant().equals(participant)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no bank " + participant));
  }

  private Map<String, InetSocketAddress> endpoints() {
    return banks.stream().collect(Collectors.toMap(AccountService::participant,
        AccountService::endpoint));
  }

  private static String ports(List<InetSocketAddress> addresses) {
    return addresses.stream().map(a -> String.valueOf(a.getPort()))
        .collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    if (initiator != null) {
      initiator.close();
    }
    for (int i = banks.size() - 1; i >= 0; i--) {
      banks.get(i).close();
    }
    cluster.close();
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
