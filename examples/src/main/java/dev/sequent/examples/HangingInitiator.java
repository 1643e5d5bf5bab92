package dev.sequent.examples;

import dev.sequent.client.Branch;
import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.client.TryResult;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnState;
import dev.sequent.examples.bank.Leg;
import dev.sequent.examples.bank.TransferResult;
import dev.sequent.examples.bank.TransferResult.Status;
import dev.sequent.examples.bank.TransferService;
import dev.sequent.protocol.Outcome;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An initiator that misbehaves: it begins a transfer with a short deadline, runs both tries, then
 * hangs (a long GC pause, a stuck thread) past the deadline before it decides. The cluster cancels
 * the transfer at its deadline, by a replicated expiry command, and refuses the late confirm.
 *
 * <p>It uses the client's step-by-step calls (begin, tryBranch, decide) that {@link
 * TransferService} gets from {@code TccClient.transaction}. Before deciding it also waits until
 * the cluster has actually cancelled the transfer: a decision that arrives after the deadline but
 * before the expiry command is still accepted (the deadline promises a cancel of what is still
 * undecided, not a race), and the demo wants the same story every run.
 */
final class HangingInitiator {
  static final long TXN_TIMEOUT_MS = 400;
  static final long HANG_MS = 800;
  static final long EXPIRY_WAIT_MS = 30_000;
  static final long POLL_MS = 100;

  private final TccClient client;
  private final Map<String, InetSocketAddress> endpoints;
  private final Function<String, String> bankOfAccount;
  private final ScheduledExecutorService timer;
  final AtomicInteger lateConfirms = new AtomicInteger();
  final AtomicInteger lateConfirmsRefused = new AtomicInteger();

  HangingInitiator(TccClient client, Map<String, InetSocketAddress> endpoints,
      Function<String, String> bankOfAccount, ScheduledExecutorService timer) {
    this.client = client;
    this.endpoints = Map.copyOf(endpoints);
    this.bankOfAccount = bankOfAccount;
    this.timer = timer;
  }

  CompletableFuture<TransferResult> transfer(String xid, String from, String to, long amount) {
    Branch debit = new Branch(TransferService.DEBIT_BRANCH, bankOfAccount.apply(from),
        Leg.debit(from, amount).toBytes());
    Branch credit = new Branch(TransferService.CREDIT_BRANCH, bankOfAccount.apply(to),
        Leg.credit(to, amount).toBytes());
    return client.begin(xid, TXN_TIMEOUT_MS, List.of(debit, credit)).thenCompose(begun -> {
      if (!begun.isOk()) {
        return CompletableFuture.completedFuture(new TransferResult(xid, Status.FAILED,
            "begin answered " + begun.outcome()));
      }
      return tryBranch(xid, debit).thenCombine(tryBranch(xid, credit), (a, b) -> a && b)
          .thenCompose(allOk -> sleep(HANG_MS)
              .thenCompose(slept -> awaitUndecidedNoMore(xid, System.nanoTime()
                  + TimeUnit.MILLISECONDS.toNanos(EXPIRY_WAIT_MS)))
              .thenCompose(undecided -> decideLate(xid, allOk)));
    }).exceptionally(e -> new TransferResult(xid, Status.FAILED, String.valueOf(e)));
  }

  private CompletableFuture<Boolean> tryBranch(String xid, Branch branch) {
    return client.tryBranch(endpoints.get(branch.participant()), xid, branch)
        .thenApply(TryResult::isOk)
        .exceptionally(unreachable -> false);
  }

  private CompletableFuture<TransferResult> decideLate(String xid, boolean allOk) {
    if (allOk) {
      lateConfirms.incrementAndGet();
    }
    return client.decide(xid, allOk ? Decision.CONFIRM : Decision.CANCEL).thenApply(decided -> {
      if (allOk && decided.outcome() == Outcome.DECISION_CONFLICT) {
        lateConfirmsRefused.incrementAndGet();
        return new TransferResult(xid, Status.EXPIRED, "the late confirm was refused: "
            + decided.message());
      }
      if (decided.isOk() && allOk) {
        return new TransferResult(xid, Status.CONFIRMED, "a late confirm was accepted");
      }
      return new TransferResult(xid, Status.EXPIRED, "the late cancel agreed with the cluster");
    });
  }

  /** Completes once the transfer is no longer TRYING, or when the wait runs out. */
  private CompletableFuture<Void> awaitUndecidedNoMore(String xid, long deadlineNs) {
    return client.status(xid).thenCompose((TxnResult status) -> {
      boolean trying = status.txn() != null && status.txn().state() == TxnState.TRYING;
      if (!trying || System.nanoTime() > deadlineNs) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      return sleep(POLL_MS).thenCompose(slept -> awaitUndecidedNoMore(xid, deadlineNs));
    });
  }

  private CompletableFuture<Void> sleep(long ms) {
    CompletableFuture<Void> woken = new CompletableFuture<>();
    timer.schedule(() -> woken.complete(null), ms, TimeUnit.MILLISECONDS);
    return woken;
  }
}
