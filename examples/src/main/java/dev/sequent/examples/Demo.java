package dev.sequent.examples;

import dev.sequent.client.TxnSnapshot;
import dev.sequent.examples.Runner.Outcome;
import dev.sequent.examples.Workload.Kind;
import dev.sequent.examples.bank.AccountService;
import dev.sequent.examples.bank.AppliedCall;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The README's main job: money moving between two banks through a replicated TCC coordinator.
 *
 * <p>Starts, on 127.0.0.1 in this JVM, a three-node Sequent cluster (real Raft, real RocksDB) and
 * two account services, bank-eu (H2 behind the JDBC fence) and bank-us (RocksDB behind the RocksDB
 * fence); opens accounts; runs concurrent transfers between them, some designed to fail and some
 * whose initiator hangs past its deadline; optionally kills the leader a third of the way through;
 * waits for phase two; prints what happened and checks it against the cluster's record and the
 * banks' databases.
 * Exit status: 0 when every check passed, 1 when one failed or the run broke, 2 for a bad command
 * line.
 *
 * <p>Run it with {@code mvn -B -q -pl examples exec:exec@demo}; see {@link DemoOptions} for the
 * options.
 */
public final class Demo {
  static final long PHASE_TWO_WAIT_MS = 60_000;

  private final DemoOptions options;
  private final PrintStream out;

  private Demo(DemoOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  /** Runs the demo, printing to {@code out}; returns the exit status. */
  static int run(PrintStream out, String... args) {
    QuietLogs.apply();
    if (DemoOptions.wantsHelp(args)) {
      out.println(DemoOptions.USAGE);
      return 0;
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (DemoOptions.UsageException e) {
      System.err.println("demo: " + e.getMessage());
      System.err.println(DemoOptions.USAGE);
      return 2;
    }
    try {
      return new Demo(options, out).run();
    } catch (Exception e) {
      out.println();
      out.println("The demo broke off: " + e);
      e.printStackTrace(out);
      return 1;
    }
  }

  private int run() throws Exception {
    Workload workload = Workload.generate(options.seed(), options.transfers(),
        options.accountsPerBank());
    out.printf("Sequent demo: transfers between two banks through a replicated TCC"
        + " coordinator%n");
    out.printf("  seed %d (replay with --seed %d), %d transfers, %d at a time%n",
        options.seed(), options.seed(), options.transfers(), options.concurrency());
    out.printf(options.killLeader() ? "  the leader will be killed a third of the way through%n%n"
        : "%n");
    Path dataDir = Files.createTempDirectory("sequent-demo-");
    Timeline timeline = new Timeline();
    try (DemoSystem system = DemoSystem.start(dataDir, timeline, out)) {
      openAccounts(system, workload);
      return runAndCheck(system, workload, timeline);
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private void openAccounts(DemoSystem system, Workload workload) {
    workload.openings.forEach((account, balance) ->
        system.bank(DemoSystem.bankOf(account)).openAccount(account, balance));
    out.printf("  %d accounts in each bank, %,d units of money in all%n%n",
        options.accountsPerBank(), workload.totalMoney());
  }

  private int runAndCheck(DemoSystem system, Workload workload, Timeline timeline)
      throws Exception {
    out.printf("Running %d transfers: %d ordinary, %d overdrafts designed to fail,%n",
        options.transfers(), workload.count(Kind.TRANSFER), workload.count(Kind.OVERDRAFT));
    out.printf("  %d whose initiator hangs past a %d ms deadline%n", workload.count(Kind.HANG),
        HangingInitiator.TXN_TIMEOUT_MS);
    Runner runner = new Runner(system, timeline, options.concurrency());
    List<Outcome> outcomes;
    LeaderKiller.Report failover;
    try (Progress progress = new Progress(out, options.progress(),
        () -> runner.counts(options.transfers()))) {
      LeaderKiller killer = options.killLeader()
          ? new LeaderKiller(system.cluster, progress::event) : null;
      outcomes = runner.run(workload.plans, killer);
      failover = killer == null ? null : killer.await();
    }
    out.printf("Waiting for phase two to finish (every confirm and cancel applied and"
        + " acknowledged)%n");
    List<String> xids = workload.plans.stream().map(Workload.Plan::xid)
        .collect(Collectors.toList());
    Map<String, TxnSnapshot> cluster = ClusterView.awaitFinished(system.initiator, xids,
        PHASE_TWO_WAIT_MS);
    Summary.Times times = new Summary.Times(runner.startNs(), runner.decidedNs(),
        timeline.lastAppliedNs());
    long lagNs = times.phaseTwoDoneNs() - times.decidedNs();
    out.println(lagNs > 0 ? String.format("  done %.2f s after the last decision", lagNs / 1e9)
        : "  done: phase two had kept up with the decisions");
    Summary.printResults(out, workload, outcomes, cluster, timeline, times);
    printPhaseTwo(system);
    if (failover != null) {
      out.printf("  failover: %s killed, %s led %.1f s later, %s back as a follower%n",
          failover.killed(), failover.next(), failover.failoverMs() / 1e3, failover.killed());
    }
    List<Checks.Check> checks = Checks.run(new Checks.Evidence(workload, outcomes, cluster,
        system.banks, system.hanging.lateConfirms.get(), system.hanging.lateConfirmsRefused.get(),
        system.cluster.fatalErrors(), failover));
    Summary.printChecks(out, checks);
    return checks.stream().allMatch(Checks.Check::ok) ? 0 : 1;
  }

  private void printPhaseTwo(DemoSystem system) {
    for (AccountService bank : system.banks) {
      long watermark = bank.fence().watermark(bank.participant()).appliedSeq();
      List<AppliedCall> calls = bank.appliedCalls();
      long confirms = calls.stream().filter(c -> c.step() == AppliedCall.Step.CONFIRM).count();
      out.printf("  %-8s applied phase-2 calls 1..%d in order: %d confirms, %d cancels, %d"
          + " empty cancels%n", bank.participant(), watermark, confirms,
          calls.size() - confirms, watermark - calls.size());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
