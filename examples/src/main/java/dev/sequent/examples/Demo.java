package dev.sequent.examples;

import dev.sequent.client.Branch;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnState;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The README's main job, until the bank-transfer demo exists: starts a three-node coordinator
 * cluster on 127.0.0.1 in this JVM (real Raft, real RocksDB directories), runs transactions through
 * {@link TccClient}, kills the leader, and prints what happened. Exits 1 if any check fails.
 *
 * <p>Options: {@code --txns N} (burst size, default 2000), {@code --concurrency C} (default 64).
 */
public final class Demo {
  private final List<String> failedChecks = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int txns = intOption(args, "--txns", 2000);
    int concurrency = intOption(args, "--concurrency", 64);
    int exit = new Demo().run(txns, concurrency);
    System.exit(exit);
  }

  private int run(int burstTxns, int concurrency) throws Exception {
    Path dataDir = Files.createTempDirectory("sequent-demo-");
    say("Starting a three-node Sequent cluster on 127.0.0.1 (data in %s)", dataDir);
    try (EmbeddedCluster cluster = new EmbeddedCluster(3, dataDir, Map.of()).start()) {
      CoordinatorNode leader = cluster.awaitLeader(30_000);
      say("Leader elected: %s; client ports %s", leader.id(), cluster.clientAddresses());
      try (TccClient client = TccClient.builder().seeds(cluster.clientAddresses())
          .operationTimeoutMs(30_000).build()) {
        String confirmed = showConfirm(client);
        String cancelled = showCancel(client);
        showIdempotency(client, confirmed);
        showExpiry(client);
        burst(client, burstTxns, concurrency);
        showFailover(cluster, client, leader, confirmed, cancelled);
      }
      check(cluster.fatalErrors().isEmpty(), "no node hit a fatal error " + cluster.fatalErrors());
    } finally {
      deleteRecursively(dataDir);
    }
    if (failedChecks.isEmpty()) {
      say("%nAll checks passed.");
      return 0;
    }
    say("%nFAILED checks:%n  %s", String.join("\n  ", failedChecks));
    return 1;
  }

  private String showConfirm(TccClient client) {
    String xid = TccClient.newXid();
    say("%n1. A transfer with two branches, confirmed (xid %s)", xid);
    TxnResult begun = client.blocking().begin(xid, 30_000, List.of(
        branch("debit", "accounts-eu", "-100 EUR from alice"),
        branch("credit", "accounts-us", "+100 EUR to bob")));
    show("begin", begun);
    TxnResult decided = client.blocking().confirm(xid);
    show("confirm", decided);
    check(decided.isOk() && decided.txn().state() == TxnState.CONFIRMING,
        "confirm is applied (phase two runs next)");
    return xid;
  }

  private String showCancel(TccClient client) {
    String xid = TccClient.newXid();
    say("%n2. A transfer whose try failed, so the initiator cancels (xid %s)", xid);
    show("begin", client.blocking().begin(xid, 30_000,
        List.of(branch("debit", "accounts-eu", "-5000 EUR from carol"))));
    show("register", client.blocking().registerBranch(xid,
        branch("credit", "accounts-us", "+5000 EUR to dave")));
    TxnResult decided = client.blocking().cancel(xid);
    show("cancel", decided);
    check(decided.isOk() && decided.txn().state() == TxnState.CANCELLING, "cancel is applied");
    return xid;
  }

  private void showIdempotency(TccClient client, String xid) {
    say("%n3. Retries are answered the same; decisions never flip");
    TxnResult again = client.blocking().confirm(xid);
    show("confirm again", again);
    check(again.isOk(), "the same decision again is idempotent");
    TxnResult flip = client.blocking().cancel(xid);
    show("cancel after confirm", flip);
    check(flip.outcome() == Outcome.DECISION_CONFLICT, "the opposite decision is refused");
  }

  private void showExpiry(TccClient client) throws InterruptedException {
    String xid = TccClient.newXid();
    say("%n4. An initiator that disappears: the cluster cancels its txn at the deadline");
    show("begin (timeout 500 ms)", client.blocking().begin(xid, 500,
        List.of(branch("debit", "accounts-eu", "-1 EUR from erin"))));
    TxnResult status = client.blocking().status(xid);
    for (int i = 0; i < 50 && status.txn().state() == TxnState.TRYING; i++) {
      TimeUnit.MILLISECONDS.sleep(100);
      status = client.blocking().status(xid);
    }
    show("status after the deadline", status);
    check(status.txn().state() == TxnState.CANCELLING && status.txn().expired(),
        "a txn past its deadline is cancelled by the cluster");
  }

  private void burst(TccClient client, int txns, int concurrency) throws Exception {
    say("%n5. %d transactions (begin with one branch, then confirm), %d at a time", txns,
        concurrency);
    Semaphore window = new Semaphore(concurrency);
    List<CompletableFuture<TxnResult>> results = new ArrayList<>(txns);
    long[] latencyNs = new long[txns];
    long start = System.nanoTime();
    for (int i = 0; i < txns; i++) {
      window.acquire();
      int n = i;
      String xid = "burst-" + i + "-" + TccClient.newXid();
      long began = System.nanoTime();
      results.add(client.begin(xid, 60_000, List.of(branch("b", "accounts-" + (i % 8), "1")))
          .thenCompose(r -> r.isOk() ? client.confirm(xid) : CompletableFuture.completedFuture(r))
          .whenComplete((r, e) -> {
            latencyNs[n] = System.nanoTime() - began;
            window.release();
          }));
    }
    long ok = 0;
    for (CompletableFuture<TxnResult> f : results) {
      ok += f.get(120, TimeUnit.SECONDS).isOk() ? 1 : 0;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencyNs);
    say("   %d of %d decided in %.2f s: %.0f txns/s (begin + confirm, two Raft commits each)",
        ok, txns, seconds, txns / seconds);
    say("   latency p50 %.1f ms, p99 %.1f ms", latencyNs[txns / 2] / 1e6,
        latencyNs[Math.min(txns - 1, (int) (txns * 0.99))] / 1e6);
    check(ok == txns, "every transaction of the burst decided");
  }

  private void showFailover(EmbeddedCluster cluster, TccClient client, CoordinatorNode leader,
      String confirmed, String cancelled) throws Exception {
    say("%n6. Killing the leader %s", leader.id());
    String inFlight = TccClient.newXid();
    show("begin before the kill", client.blocking().begin(inFlight, 60_000,
        List.of(branch("debit", "accounts-eu", "-7 EUR from frank"))));
    cluster.stop(leader.id());
    CoordinatorNode next = cluster.awaitLeader(30_000);
    say("   new leader: %s (term %d)", next.id(), next.raft().currentTerm());
    TxnResult finished = client.blocking().confirm(inFlight);
    show("confirm after the kill", finished);
    check(finished.isOk(), "a txn begun before the election is confirmed after it");
    check(client.blocking().status(confirmed).txn().state() == TxnState.CONFIRMING,
        "a decided txn stays decided across the election");
    check(client.blocking().status(cancelled).txn().state() == TxnState.CANCELLING,
        "a cancelled txn stays cancelled across the election");
  }

  private static Branch branch(String id, String participant, String payload) {
    return new Branch(id, participant, payload.getBytes(StandardCharsets.UTF_8));
  }

  private static void show(String what, TxnResult result) {
    String state = result.txn() == null ? "-" : result.txn().state().toString();
    String branches = result.txn() == null ? "" : result.txn().branches().stream()
        .map(Demo::branchText).collect(Collectors.joining(", ", " [", "]"));
    say("   %-28s -> %s, txn %s%s%s", what, result.outcome(), state, branches,
        result.message().isEmpty() ? "" : " (" + result.message() + ")");
  }

  private static String branchText(BranchSnapshot b) {
    return b.branchId() + "@" + b.participant() + (b.seq() > 0 ? " seq " + b.seq() : "");
  }

  private void check(boolean condition, String what) {
    say("   check: %s %s", condition ? "ok  " : "FAIL", what);
    if (!condition) {
      failedChecks.add(what);
    }
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(format, args));
  }

  private static int intOption(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
