package dev.sequent.chaos.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.chaos.checker.CheckReport;
import dev.sequent.chaos.checker.Checker;
import dev.sequent.chaos.checker.FinalState;
import dev.sequent.chaos.checker.Recovery;
import dev.sequent.chaos.checker.Summary;
import dev.sequent.chaos.harness.ChaosCluster.Bank;
import dev.sequent.chaos.harness.ChaosCluster.BankSpec;
import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.History;
import dev.sequent.client.TccClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos run: a three-node coordinator cluster and two banks (RocksDB and H2) in containers,
 * a bank-transfer workload, a seeded nemesis for {@code chaos.durationSeconds} (CI: 300), then
 * healing, recovery, and the checker over the history and the final state. Writes
 * target/chaos/{history.jsonl, final-state.json, nemesis.txt, summary.json} and prints the
 * summary. Fails on any violation; the summary names the seed ({@code -Dchaos.seed=} replays
 * the schedule).
 */
@Tag("chaos")
class BankChaosTest {
  private static final Logger log = LoggerFactory.getLogger(BankChaosTest.class);
  static final int TRANSFER_PROCESSES = 6;
  static final long OPENING_BALANCE = 1_000;
  static final long RECOVERY_BOUND_MS = 120_000;

  @Test
  void transfersSurviveCrashesPausesPartitionsAndDelay() throws Exception {
    long seed = Long.parseLong(ChaosImages.property("chaos.seed",
        String.valueOf(new SecureRandom().nextLong() & Long.MAX_VALUE)));
    long durationMs = Long.parseLong(ChaosImages.property("chaos.durationSeconds", "300"))
        * 1000;
    Path module = Path.of("").toAbsolutePath();
    Path repo = module.getParent();
    Path out = module.resolve("target/chaos");
    Files.createDirectories(out);
    log.info("chaos run: seed {} ({} s of faults); replay with -Dchaos.seed={}", seed,
        durationMs / 1000, seed);

    Map<String, BankSpec> specs = new LinkedHashMap<>();
    specs.put("bank-a", new BankSpec("rocks", accounts("a")));
    specs.put("bank-b", new BankSpec("sql", accounts("b")));
    Map<AccountRef, Long> opening = new LinkedHashMap<>();
    specs.forEach((bank, spec) -> spec.accounts().forEach(
        (id, money) -> opening.put(new AccountRef(bank, id), money)));

    History history = History.recorder(System::nanoTime);
    try (ChaosCluster cluster = ChaosCluster.start(repo, module, specs, seed)) {
      TccClient.Builder builder = TccClient.builder().seeds(cluster.clientAddresses())
          .operationTimeoutMs(15_000).requestTimeoutMs(3_000);
      Map<String, InetSocketAddress> controls = new LinkedHashMap<>();
      for (Bank bank : cluster.banks().values()) {
        builder.participantEndpoint(bank.participant(), cluster.endpointAddress(bank));
        controls.put(bank.participant(), cluster.controlAddress(bank));
      }
      Nemesis nemesis = new Nemesis(cluster, seed);
      Recovery recovery;
      FinalState state;
      try (TccClient client = builder.build()) {
        try (Workload workload = new Workload(history, client, new ArrayList<>(opening.keySet()),
            controls, seed)) {
          workload.start(TRANSFER_PROCESSES);
          nemesis.run(durationMs); // heals everything before it returns
        }
        FinalStateCollector collector = new FinalStateCollector(cluster, client);
        Set<String> xids = FinalStateCollector.xids(history);
        recovery = collector.awaitRecovery(xids, RECOVERY_BOUND_MS);
        state = collector.collect(xids, opening);
      }
      history.writeJsonLines(out.resolve("history.jsonl"));
      state.write(out.resolve("final-state.json"));
      Files.write(out.resolve("nemesis.txt"), nemesis.timeline(), StandardCharsets.UTF_8);

      CheckReport report = Checker.check(history, state, recovery);
      Summary summary = Summary.of(seed, nemesis.injected(), report);
      summary.write(out.resolve("summary.json"));
      log.info("chaos summary (target/chaos/summary.json):\n{}", summary.toJson());
      log.info("{}", report.line());
      assertTrue(report.ok(), () -> "seed " + seed + ": " + report.describe());
    }
  }

  private static Map<String, Long> accounts(String prefix) {
    Map<String, Long> accounts = new LinkedHashMap<>();
    for (int i = 1; i <= 4; i++) {
      accounts.put(prefix + i, OPENING_BALANCE);
    }
    return accounts;
  }

}
