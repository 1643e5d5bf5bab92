package dev.sequent.examples;

import dev.sequent.client.Branch;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.client.TransactionResult;
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
 * cluster on 127.0.0.1 in this JVM (real Raft, real RocksDB directories) and two participant
 * services (real endpoints with RocksDB fences), runs transactions through {@link TccClient} end
 * to end (begin, tries, decision, confirms delivered in order), kills the leader, and prints what
 * happened. Exits 1 if any check fails.
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
    try (EmbeddedCluster cluster = new EmbeddedCluster(3, dataDir, Map.of()).start();
        Participants participants = new Participants(cluster, dataDir)) {
      CoordinatorNode leader = cluster.awaitLeader(30_000);
      say("Leader elected: %s; client ports %s", leader.id(), cluster.clientAddresses());
      say("Participants accounts-eu and accounts-us listen on %s",
          participants.addresses.values());
      try (TccClient client = participants.initiator()) {
        String confirmed = showConfirm(client);
        String cancelled = showCancel(client);
        showIdempotency(client, confirmed);
        showExpiry(client);
        burst(client, participants, burstTxns, concurrency);
        showFailover(cluster, client, participants, leader, confirmed, cancelled);
        checkOrder(participants);
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

  private String showConfirm(TccClient client) throws Exception {
    say("%n1. A transfer with two branches: begin, try both, confirm, confirms delivered");
    TransactionResult result = client.transaction(30_000)
        .branch("debit", "accounts-eu", bytes("-100 EUR from alice"))
        .branch("credit", "accounts-us", bytes("+100 EUR to bob"))
        .execute().get(30, TimeUnit.SECONDS);
    say("   xid %s: tries %s, decision %s", result.xid(), result.tries(), result.decision());
    TxnResult done = awaitFinal(client, result.xid());
    show("after phase two", done);
    check(done.txn().state() == TxnState.CONFIRMED, "both confirms delivered and acknowledged");
    return result.xid();
  }

  private String showCancel(TccClient client) throws Exception {
    say("%n2. A transfer whose debit try fails (insufficient funds), so it is cancelled");
    TransactionResult result = client.transaction(30_000)
        .branch("debit", "accounts-eu", bytes("fail"))
        .branch("credit", "accounts-us", bytes("+5000 EUR to dave"))
        .execute().get(30, TimeUnit.SECONDS);
    say("   xid %s: tries %s, decision %s", result.xid(), result.tries(), result.decision());
    TxnResult done = awaitFinal(client, result.xid());
    show("after phase two", done);
    check(done.txn().state() == TxnState.CANCELLED, "both cancels delivered and acknowledged");
    return result.xid();
  }

  private static TxnResult awaitFinal(TccClient client, String xid) throws InterruptedException {
    TxnResult status = client.blocking().status(xid);
    for (int i = 0; i < 300 && !isFinal(status); i++) { // bounded: 30 s
      TimeUnit.MILLISECONDS.sleep(100);
      status = client.blocking().status(xid);
    }
    return status;
  }

  private static boolean isFinal(TxnResult status) {
    return status.txn() != null && (status.txn().state() == TxnState.CONFIRMED
        || status.txn().state() == TxnState.CANCELLED);
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
    check(status.txn().state() != TxnState.TRYING && status.txn().expired(),
        "a txn past its deadline is cancelled by the cluster");
  }

  /**
   * Two-branch txns end to end: begin, two tries in parallel, confirm, and both confirms applied
   * by the participants (their resources record when). Latency runs from begin to the later of
   * the two confirms.
   */
  private void burst(TccClient client, Participants participants, int txns, int concurrency)
      throws Exception {
    say("%n5. %d two-branch transfers end to end (begin, 2 tries, confirm, 2 confirms applied),"
        + " %d at a time", txns, concurrency);
    Semaphore window = new Semaphore(concurrency);
    List<CompletableFuture<TransactionResult>> results = new ArrayList<>(txns);
    String[] xids = new String[txns];
    long[] beganNs = new long[txns];
    long start = System.nanoTime();
    for (int i = 0; i < txns; i++) {
      window.acquire();
      var txn = client.transaction(60_000)
          .branch("debit", "accounts-eu", bytes("-1"))
          .branch("credit", "accounts-us", bytes("+1"));
      xids[i] = txn.xid();
      beganNs[i] = System.nanoTime();
      results.add(txn.execute().whenComplete((r, e) -> window.release()));
    }
    long decided = 0;
    for (CompletableFuture<TransactionResult> f : results) {
      decided += f.get(120, TimeUnit.SECONDS).confirmed() ? 1 : 0;
    }
    long[] latencyNs = new long[txns];
    long lastNs = 0;
    for (int i = 0; i < txns; i++) {
      long doneNs = participants.awaitBothConfirmed(xids[i], 60_000);
      latencyNs[i] = doneNs - beganNs[i];
      lastNs = Math.max(lastNs, doneNs);
    }
    double seconds = (lastNs - start) / 1e9;
    Arrays.sort(latencyNs);
    say("   %d of %d confirmed on both participants in %.2f s: %.0f txns/s end to end", decided,
        txns, seconds, txns / seconds);
    say("   latency begin -> both confirms applied: p50 %.1f ms, p99 %.1f ms",
        latencyNs[txns / 2] / 1e6, latencyNs[Math.min(txns - 1, (int) (txns * 0.99))] / 1e6);
    check(decided == txns, "every transfer of the burst was confirmed");
  }

  private void checkOrder(Participants participants) {
    say("%n7. Each participant applied its calls once each, in the cluster's order");
    participants.ledgers.forEach((name, ledger) -> {
      List<CountingLedger.Applied> applied = ledger.applied();
      // Empty cancels (a cancel of a branch that never tried) are recorded by the fence without
      // calling the resource, so the resource sees increasing seqs, not necessarily every one.
      boolean increasing = true;
      for (int i = 1; i < applied.size(); i++) {
        increasing &= applied.get(i).seq() > applied.get(i - 1).seq();
      }
      say("   %s ran its resource for %d calls", name, applied.size());
      check(increasing, name + " applied its calls in seq order, none twice");
    });
  }

  private void showFailover(EmbeddedCluster cluster, TccClient client, Participants participants,
      CoordinatorNode leader, String confirmed, String cancelled) throws Exception {
    say("%n6. Killing the leader %s", leader.id());
    String inFlight = TccClient.newXid();
    Branch debit = branch("debit", "accounts-eu", "-7 EUR from frank");
    show("begin before the kill", client.blocking().begin(inFlight, 60_000, List.of(debit)));
    say("   %-28s -> %s", "try before the kill", client.tryBranch(
        participants.addresses.get("accounts-eu"), inFlight, debit).get(30, TimeUnit.SECONDS));
    cluster.stop(leader.id());
    CoordinatorNode next = cluster.awaitLeader(30_000);
    say("   new leader: %s (term %d)", next.id(), next.raft().currentTerm());
    TxnResult finished = client.blocking().confirm(inFlight);
    show("confirm after the kill", finished);
    check(finished.isOk(), "a txn begun before the election is confirmed after it");
    check(awaitFinal(client, inFlight).txn().state() == TxnState.CONFIRMED,
        "the new leader delivers its confirm");
    check(client.blocking().status(confirmed).txn().state() == TxnState.CONFIRMED,
        "a decided txn stays decided across the election");
    check(client.blocking().status(cancelled).txn().state() == TxnState.CANCELLED,
        "a cancelled txn stays cancelled across the election");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
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
