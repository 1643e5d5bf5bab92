package dev.sequent.examples;

import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.examples.Runner.Outcome;
import dev.sequent.examples.Workload.Kind;
import dev.sequent.examples.bank.TransferResult.Status;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The results a person reads at the end: what happened, how fast, and the checks. */
final class Summary {
  private Summary() {}

  /** Timestamps of the run (System.nanoTime). */
  record Times(long startNs, long decidedNs, long phaseTwoDoneNs) {}

  static void printResults(PrintStream out, Workload workload, List<Outcome> outcomes,
      Map<String, TxnSnapshot> cluster, Timeline timeline, Times times) {
    int confirmed = 0;
    int insufficient = 0;
    int timedOut = 0;
    int other = 0;
    List<Long> latenciesNs = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      TxnSnapshot txn = cluster.get(outcome.plan().xid());
      if (txn != null && txn.state() == TxnState.CONFIRMED) {
        confirmed++;
        OptionalLong latency = timeline.latencyNs(txn.xid());
        latency.ifPresent(latenciesNs::add);
      } else if (txn != null && txn.expired()) {
        timedOut++; // the cluster's record says why, whatever the initiator thinks
      } else if (outcome.result().status() == Status.INSUFFICIENT_FUNDS) {
        insufficient++;
      } else {
        other++;
      }
    }
    int n = outcomes.size();
    double decidedS = (times.decidedNs() - times.startNs()) / 1e9;
    double allS = (Math.max(times.phaseTwoDoneNs(), times.decidedNs()) - times.startNs()) / 1e9;
    out.printf("%nResults%n");
    out.printf("  transfers           %6d   in %.2f s: %.0f/s decided, %.0f/s with phase two"
        + " done%n", n, allS, n / decidedS, n / allS);
    out.printf("  confirmed           %6d%n", confirmed);
    out.printf("  cancelled           %6d%n", n - confirmed);
    out.printf("    insufficient funds  %4d   (%d of them overdrafts by design)%n",
        insufficient, workload.count(Kind.OVERDRAFT));
    out.printf("    timed out           %4d   (the initiator hung past its %d ms deadline: the"
        + " cluster%n", timedOut, HangingInitiator.TXN_TIMEOUT_MS);
    out.printf("                               cancelled it and refused the late confirm)%n");
    out.printf("    other               %4d%n", other);
    Collections.sort(latenciesNs);
    if (!latenciesNs.isEmpty()) {
      out.printf("  latency, begin to both confirms applied: p50 %.1f ms, p99 %.1f ms, max %.1f"
          + " ms%n", percentile(latenciesNs, 0.50), percentile(latenciesNs, 0.99),
          latenciesNs.get(latenciesNs.size() - 1) / 1e6);
    }
  }

  static void printChecks(PrintStream out, List<Checks.Check> checks) {
    out.printf("%nChecks%n");
    for (Checks.Check check : checks) {
      out.printf("  %-4s  %s%n        %s%n", check.ok() ? "ok" : "FAIL", check.name(),
          check.detail());
    }
    long failed = checks.stream().filter(c -> !c.ok()).count();
    out.printf("%n%s%n", failed == 0
        ? "All " + checks.size() + " checks passed."
        : failed + " of " + checks.size() + " checks FAILED.");
  }

  /** The nearest-rank percentile of sorted values, in milliseconds. */
  static double percentile(List<Long> sortedNs, double quantile) {
    int rank = (int) Math.ceil(quantile * sortedNs.size());
    return sortedNs.get(Math.max(0, Math.min(sortedNs.size() - 1, rank - 1))) / 1e6;
  }
}
