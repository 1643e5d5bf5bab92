package dev.sequent.bench;

import dev.sequent.client.TccClient;
import dev.sequent.client.TccTransaction;
import dev.sequent.client.TransactionResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: {@code concurrency} clients, each running one two-phase transaction at a
 * time (begin with every branch, tries in parallel, confirm) and starting its next one only when
 * every branch's confirm was applied at its participant. That is a "whole txn", the figure to
 * compare with Seata, whose commit returns after its confirms ran.
 *
 * <p>Three latencies per txn: whole (begin to the last confirm applied), decision (begin to the
 * cluster's answer to confirm), phase two (that answer to the last confirm applied); and per
 * participant, the confirm lag (decision to that participant's confirm applied). Only txns that
 * began after the warm-up and completed before the end are measured; a timeline of completions
 * per 100 ms is kept for the failover report.
 */
final class LoadRun implements Participants.ConfirmListener {
  static final long TXN_TIMEOUT_MS = 30_000;
  static final long BUCKET_MS = 100;

  /** A txn in flight: when it began, when decided, how many confirms are still to come. */
  private static final class Pending {
    final long beganNs;
    volatile long decidedNs;
    final AtomicInteger confirmsLeft;
    final AtomicInteger slots = new AtomicInteger();
    final Runnable onDone;
    final long[] confirmedNs;
    final String[] confirmedBy;

    Pending(long beganNs, int branches, Runnable onDone) {
      this.beganNs = beganNs;
      this.confirmsLeft = new AtomicInteger(branches);
      this.onDone = onDone;
      this.confirmedNs = new long[branches];
      this.confirmedBy = new String[branches];
    }
  }

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Latencies> confirmLag = new ConcurrentHashMap<>();
  final Latencies whole = new Latencies();
  final Latencies decision = new Latencies();
  final Latencies phaseTwo = new Latencies();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong failedAfterKill = new AtomicLong();
  /**
   * Shared by every run of one generator: the cluster keeps finished txns, so a later run that
   * reused an xid would meet the earlier txn's decision and wait for confirms that were already
   * delivered (the scaling run used to stop at its second row that way).
   */
  private static final AtomicLong XIDS = new AtomicLong();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Map<Long, AtomicInteger> completionsPerBucket = new ConcurrentHashMap<>();
  private volatile long measureFromNs = Long.MAX_VALUE;
  private volatile long measureUntilNs = Long.MAX_VALUE;
  private volatile long originNs;
  private volatile TccClient client;
  private List<String> participants;
  private int branches;
  private byte[] payload;
  private final ExecutorService starter = Executors.newFixedThreadPool(2, task -> {
    Thread thread = new Thread(task, "bench-starter");
    thread.setDaemon(true);
    return thread;
  });
  private CountDownLatch clientsDone;

  /** Runs the load; returns when every client has stopped (bounded by the txn timeout). */
  void run(TccClient client, List<String> participants, int concurrency, int branches,
      int payloadBytes, long warmupMs, long durationMs, Runnable atHalfTime)
      throws InterruptedException {
    this.client = client;
    this.participants = participants;
    this.branches = branches;
    this.payload = new byte[payloadBytes];
    this.originNs = System.nanoTime();
    this.measureFromNs = originNs + TimeUnit.MILLISECONDS.toNanos(warmupMs);
    this.measureUntilNs = measureFromNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
    clientsDone = new CountDownLatch(concurrency);
    for (int c = 0; c < concurrency; c++) {
      starter.execute(this::next);
    }
    Thread.sleep(warmupMs + durationMs / 2);
    if (atHalfTime != null) {
      atHalfTime.run();
    }
    long leftNs = measureUntilNs - System.nanoTime();
    if (leftNs > 0) {
      TimeUnit.NANOSECONDS.sleep(leftNs);
    }
    stopping.set(true);
    if (!clientsDone.await(TXN_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(clientsDone.getCount() + " clients did not finish; txns "
          + "still waiting for confirms (xid=confirms left): " + stuck());
    }
    starter.shutdown();
  }

  /** Starts one client's next txn, unless the run is over. */
  private void next() {
    if (stopping.get()) {
      clientsDone.countDown();
      return;
    }
    String xid = "b" + XIDS.incrementAndGet();
    long beganNs = System.nanoTime();
    Pending txn = new Pending(beganNs, branches, () -> starter.execute(this::next));
    pending.put(xid, txn);
    TccTransaction transaction = client.transaction(xid, TXN_TIMEOUT_MS);
    for (int b = 0; b < branches; b++) {
      transaction.branch("b" + b, participants.get(b % participants.size()), payload);
    }
    transaction.execute().whenComplete((result, failure) -> decided(xid, txn, result, failure));
  }

  private void decided(String xid, Pending txn, TransactionResult result, Throwable failure) {
    txn.decidedNs = System.nanoTime();
    if (failure != null || result == null || !result.confirmed()) {
      pending.remove(xid);
      failed.incrementAndGet();
      if (killedAtNs != 0 && txn.beganNs < killedAtNs + TimeUnit.SECONDS.toNanos(10)) {
        failedAfterKill.incrementAndGet();
      }
      starter.execute(this::next);
      return;
    }
    if (txn.confirmsLeft.get() == 0) { // every confirm was applied before the answer came back
      done(xid, txn);
    }
  }

  @Override
  public void confirmed(String xid, String participant, long nanoTime) {
    Pending txn = pending.get(xid);
    if (txn == null) {
      return; // a resend after the txn was counted, or a txn of an earlier phase of the run
    }
    int slot = txn.slots.getAndIncrement();
    if (slot >= txn.confirmedNs.length) {
      return; // a resend after the last confirm: already counted
    }
    txn.confirmedBy[slot] = participant;
    txn.confirmedNs[slot] = nanoTime;
    // Decremented after the writes above: whoever sees zero sees them too.
    int left = txn.confirmsLeft.decrementAndGet();
    if (left == 0 && txn.decidedNs != 0) {
      done(xid, txn);
    }
  }

  private void done(String xid, Pending txn) {
    if (pending.remove(xid) == null) {
      return; // both paths saw the last piece; count once
    }
    long endNs = 0;
    for (long ns : txn.confirmedNs) {
      endNs = Math.max(endNs, ns);
    }
    endNs = Math.max(endNs, txn.decidedNs);
    completionsPerBucket.computeIfAbsent(
        TimeUnit.NANOSECONDS.toMillis(endNs - originNs) / BUCKET_MS, b -> new AtomicInteger())
        .incrementAndGet();
    if (txn.beganNs >= measureFromNs && endNs <= measureUntilNs) {
      completed.incrementAndGet();
      whole.add((endNs - txn.beganNs) / 1000);
      decision.add((txn.decidedNs - txn.beganNs) / 1000);
      phaseTwo.add(Math.max(0, endNs - txn.decidedNs) / 1000);
      for (int b = 0; b < txn.confirmedNs.length; b++) {
        // A confirm may overtake the client's answer: its lag is then zero.
        confirmLag.computeIfAbsent(txn.confirmedBy[b], p -> new Latencies())
            .add(Math.max(0, txn.confirmedNs[b] - txn.decidedNs) / 1000);
      }
    }
    txn.onDone.run();
  }

  private String stuck() {
    StringBuilder out = new StringBuilder();
    pending.entrySet().stream().limit(10).forEach(e -> out.append(e.getKey()).append('=')
        .append(e.getValue().confirmsLeft.get()).append(' '));
    return out.toString().trim();
  }

  private volatile long killedAtNs;

  /** Marks the moment the leader was killed, for the failover report. */
  void markKill() {
    killedAtNs = System.nanoTime();
  }

  long killedAtMs() {
    return killedAtNs == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(killedAtNs - originNs);
  }

  long completed() {
    return completed.get();
  }

  long failed() {
    return failed.get();
  }

  long failedNearKill() {
    return failedAfterKill.get();
  }

  Map<String, Object> confirmLagMs() {
    Map<String, Object> lags = new LinkedHashMap<>();
    confirmLag.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> lags.put(e.getKey(), e.getValue().summaryMs()));
    return lags;
  }

  /** Completions per 100 ms bucket, from the start of the run. */
  Map<Long, Integer> timeline() {
    Map<Long, Integer> buckets = new java.util.TreeMap<>();
    completionsPerBucket.forEach((bucket, count) -> buckets.put(bucket, count.get()));
    return buckets;
  }
}
