package dev.sequent.examples;

import dev.sequent.examples.Workload.Kind;
import dev.sequent.examples.Workload.Plan;
import dev.sequent.examples.bank.TransferResult;
import dev.sequent.examples.bank.TransferResult.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Runs the planned transfers, at most {@code concurrency} ordinary ones in flight, and collects
 * how each ended. A slot frees when a transfer is decided: phase two runs in the background, as
 * it would for a real initiator, which answers its caller once the decision is durable. Hanging
 * initiators take no slot: they stand for other, broken processes, and would otherwise idle a
 * slot each for their whole hang.
 */
final class Runner {
  /** A slot must free within this; otherwise something is stuck and the demo says so. */
  static final long SLOT_WAIT_MS = 60_000;
  static final long ALL_DECIDED_WAIT_MS = 120_000;

  /** How one planned transfer ended, as its initiator saw it. */
  record Outcome(Plan plan, TransferResult result) {}

  private final DemoSystem system;
  private final Timeline timeline;
  private final int concurrency;
  private final AtomicInteger decided = new AtomicInteger();
  private final AtomicInteger confirmed = new AtomicInteger();
  private volatile long startNs;
  private volatile long decidedNs;

  Runner(DemoSystem system, Timeline timeline, int concurrency) {
    this.system = system;
    this.timeline = timeline;
    this.concurrency = concurrency;
  }

  /**
   * Runs every plan; with a killer, starts it a third of the way through. Returns the outcomes in
   * plan order.
   */
  List<Outcome> run(List<Plan> plans, LeaderKiller killer)
      throws InterruptedException, TimeoutException {
    Semaphore slots = new Semaphore(concurrency);
    AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(plans.size());
    CountDownLatch all = new CountDownLatch(plans.size());
    startNs = System.nanoTime();
    for (Plan plan : plans) {
      boolean slotted = plan.kind() != Kind.HANG;
      if (slotted && !slots.tryAcquire(SLOT_WAIT_MS, TimeUnit.MILLISECONDS)) {
        throw new TimeoutException("no transfer was decided for " + SLOT_WAIT_MS + " ms");
      }
      if (killer != null && plan.index() == plans.size() / 3) {
        killer.start(plan.index());
      }
      timeline.began(plan.xid());
      start(plan).whenComplete((result, failure) -> {
        TransferResult ended = failure == null ? result
            : new TransferResult(plan.xid(), Status.FAILED, String.valueOf(failure));
        outcomes.set(plan.index(), new Outcome(plan, ended));
        if (ended.status() == Status.CONFIRMED) {
          confirmed.incrementAndGet();
        }
        decided.incrementAndGet();
        if (slotted) {
          slots.release();
        }
        all.countDown();
      });
    }
    if (!all.await(ALL_DECIDED_WAIT_MS, TimeUnit.MILLISECONDS)) {
      throw new TimeoutException(all.getCount() + " transfers still undecided after "
          + ALL_DECIDED_WAIT_MS + " ms");
    }
    decidedNs = System.nanoTime();
    List<Outcome> ended = new ArrayList<>(plans.size());
    for (int i = 0; i < plans.size(); i++) {
      ended.add(outcomes.get(i));
    }
    return ended;
  }

  private CompletableFuture<TransferResult> start(Plan plan) {
    return plan.kind() == Kind.HANG
        ? system.hanging.transfer(plan.xid(), plan.from(), plan.to(), plan.amount())
        : system.transfers.transfer(plan.xid(), plan.from(), plan.to(), plan.amount());
  }

  /** The counts the progress display draws. */
  Progress.Counts counts(int total) {
    int done = decided.get();
    int ok = confirmed.get();
    long elapsed = startNs == 0 ? 0 : System.nanoTime() - startNs;
    return new Progress.Counts(total, done, ok, done - ok, timeline.phaseTwoCalls(), elapsed);
  }

  long startNs() {
    return startNs;
  }

  long decidedNs() {
    return decidedNs;
  }
}
