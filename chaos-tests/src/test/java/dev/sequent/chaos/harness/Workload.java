package dev.sequent.chaos.harness;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.history.History;
import dev.sequent.chaos.history.Read;
import dev.sequent.chaos.history.Transfer;
import dev.sequent.client.TccClient;
import dev.sequent.examples.bank.TransferResult;
import dev.sequent.examples.bank.TransferService;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jepsen's bank workload over TCC: client processes run transfers between random accounts of the
 * banks, one at a time each, and a reader process reads every bank's balances, each operation
 * recorded in the {@link History} as invoke and then ok, fail or info:
 *
 * <ul>
 *   <li>ok: the transfer was decided CONFIRM;
 *   <li>fail: it certainly never will be: a try refused (decided CANCEL), or the cluster had
 *       already cancelled it at its deadline; a read that could not reach a bank (reads change
 *       nothing);
 *   <li>info: anything else (timeouts, the cluster unreachable): the outcome is unknown, and the
 *       process continues under a fresh id, as in Jepsen.
 * </ul>
 */
final class Workload implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Workload.class);
  static final long TXN_TIMEOUT_MS = 8_000;
  /** Longest a process waits for one transfer; the client's own timeouts end it sooner. */
  static final long TRANSFER_WAIT_MS = 60_000;
  static final long READ_INTERVAL_MS = 500;
  static final long AMOUNT_MAX = 50;

  private final History history;
  private final TccClient client;
  private final TransferService transfers;
  private final List<AccountRef> accounts;
  private final Map<String, InetSocketAddress> controls;
  private final BankReader reader = new BankReader();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicInteger freshProcess = new AtomicInteger(1_000);
  private final AtomicLong xids = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final long seed;

  /**
   * @param controls per participant, the control port the reader reads balances from
   */
  Workload(History history, TccClient client, List<AccountRef> accounts,
      Map<String, InetSocketAddress> controls, long seed) {
    this.history = history;
    this.client = client;
    this.accounts = List.copyOf(accounts);
    this.controls = Map.copyOf(controls);
    this.seed = seed;
    Map<String, String> bankOf = new LinkedHashMap<>();
    accounts.forEach(a -> bankOf.put(a.account(), a.participant()));
    this.transfers = new TransferService(client, bankOf::get, TXN_TIMEOUT_MS);
  }

  /** Starts {@code processes} transfer processes and one reader. */
  void start(int processes) {
    for (int p = 0; p < processes; p++) {
      int process = p;
      Random random = new Random(seed * 31 + p);
      threads.add(started(new Thread(() -> transfers(process, random),
          "workload-transfer-" + p)));
    }
    threads.add(started(new Thread(() -> reads(processes), "workload-reader")));
  }

  private static Thread started(Thread thread) {
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void transfers(int firstProcess, Random random) {
    int process = firstProcess;
    while (!stopping.get()) {
      AccountRef from = accounts.get(random.nextInt(accounts.size()));
      AccountRef to;
      do {
        to = accounts.get(random.nextInt(accounts.size()));
      } while (to.equals(from));
      long amount = 1 + random.nextInt((int) AMOUNT_MAX);
      String xid = "t" + firstProcess + "-" + xids.incrementAndGet();
      Transfer transfer = new Transfer(xid, from, to, amount);
      history.invoke(process, transfer);
      try {
        TransferResult result = transfers.transfer(xid, from.account(), to.account(), amount)
            .get(TRANSFER_WAIT_MS, TimeUnit.MILLISECONDS);
        switch (result.status()) {
          case CONFIRMED -> history.ok(process, transfer);
          case INSUFFICIENT_FUNDS, REFUSED, EXPIRED ->
              history.fail(process, transfer, result.status() + ": " + result.detail());
          case FAILED -> {
            history.info(process, transfer, result.detail());
            process = freshProcess.incrementAndGet();
          }
          default -> throw new IllegalStateException("unknown status " + result.status());
        }
      } catch (ExecutionException | TimeoutException e) {
        history.info(process, transfer, e.toString());
        process = freshProcess.incrementAndGet();
      } catch (InterruptedException e) {
        history.info(process, transfer, "interrupted");
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void reads(int process) {
    while (!stopping.get()) {
      history.invoke(process, Read.pending());
      try {
        Map<AccountRef, Balance> balances = new LinkedHashMap<>();
        Map<String, Long> seqs = new LinkedHashMap<>();
        for (Map.Entry<String, InetSocketAddress> bank : controls.entrySet()) {
          BankReader.Snapshot snapshot = reader.snapshot(bank.getKey(), bank.getValue());
          balances.putAll(snapshot.balances());
          seqs.put(bank.getKey(), snapshot.lastAppliedSeq());
        }
        history.ok(process, new Read(balances, seqs));
      } catch (InterruptedException e) {
        history.fail(process, Read.pending(), "interrupted");
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) { // a bank down or paused: this read saw nothing
        history.fail(process, Read.pending(), e.toString());
      }
      try {
        Thread.sleep(READ_INTERVAL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops invoking; waits (bounded) for operations in flight to complete. */
  @Override
  public void close() throws InterruptedException {
    stopping.set(true);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TRANSFER_WAIT_MS + 5_000);
    for (Thread thread : threads) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      thread.join(Math.max(1, leftMs));
      if (thread.isAlive()) {
        log.warn("{} still running after the wait; interrupting it", thread.getName());
        thread.interrupt();
        thread.join(5_000);
      }
    }
  }
}
