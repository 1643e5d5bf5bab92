package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.history.History;
import dev.sequent.chaos.history.Read;
import dev.sequent.chaos.history.Transfer;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A model of a correct system, stepped at random, that yields valid runs: client processes
 * invoke transfers and reads concurrently; the cluster begins, decides (or expires) and numbers
 * each participant's phase-2 calls; each bank tries (a debit freezes or refuses an overdraft),
 * then applies phase two strictly in seq order (an empty cancel when the try never ran), and
 * reads each bank's balances with its applied seq (or, a third of the time, without any), at
 * different moments, while money is in flight. Clients time out at any stage, retire their process id after an info, and may never
 * complete. At the end faults "heal": undecided txns expire and every queued call is applied.
 */
final class BankModel {
  /** One branch: where it runs, what it moves, and how far it got. */
  private static final class Branch {
    final String id;
    final AccountRef account;
    final long amount;
    boolean tried;
    boolean tryFailed;
    long seq;
    boolean acked;

    Branch(String id, AccountRef account, long amount) {
      this.id = id;
      this.account = account;
      this.amount = amount;
    }
  }

  /** One transaction as the cluster holds it. */
  private static final class Txn {
    final Transfer transfer;
    final List<Branch> branches;
    TxnState state = TxnState.TRYING;
    boolean expired;

    Txn(Transfer transfer) {
      this.transfer = transfer;
      this.branches = List.of(
          new Branch(Transfer.DEBIT_BRANCH, transfer.from(), transfer.amount()),
          new Branch(Transfer.CREDIT_BRANCH, transfer.to(), transfer.amount()));
    }

    boolean confirms() {
      return state == TxnState.CONFIRMING || state == TxnState.CONFIRMED;
    }
  }

  /** One bank: its money, its queue of numbered calls, its log. */
  private static final class Bank {
    long assigned;
    long applied;
    final Map<Long, Txn> queueTxn = new HashMap<>();
    final Map<Long, Branch> queueBranch = new HashMap<>();
    final List<AppliedCall> log = new ArrayList<>();
  }

  /** A client process and the operation it is running, if any. */
  private static final class Client {
    int process;
    Transfer transfer;
    Txn txn;
    boolean reading;
    final Map<AccountRef, Balance> seen = new HashMap<>();
    final Map<String, Long> seqs = new HashMap<>();
    final List<String> toRead = new ArrayList<>();
  }

  private final Random random;
  private final History history;
  private final Map<String, Bank> banks = new TreeMap<>();
  private final List<AccountRef> accounts = new ArrayList<>();
  private final Map<AccountRef, long[]> money = new TreeMap<>(); // {balance, frozen}
  private final Map<AccountRef, Long> opening = new TreeMap<>();
  private final Map<String, Txn> txns = new LinkedHashMap<>();
  private final List<Client> clients = new ArrayList<>();
  private int nextProcess;
  private int nextXid;

  private BankModel(Random random) {
    this.random = random;
    long[] now = {0};
    this.history = History.recorder(() -> now[0] += 1 + random.nextInt(1_000));
    int bankCount = 2 + random.nextInt(2);
    for (int b = 0; b < bankCount; b++) {
      String id = "bank-" + b;
      banks.put(id, new Bank());
      int accountCount = 1 + random.nextInt(3);
      for (int a = 0; a < accountCount; a++) {
        AccountRef account = new AccountRef(id, "acct-" + a);
        long balance = random.nextInt(201);
        accounts.add(account);
        opening.put(account, balance);
        money.put(account, new long[] {balance, 0});
      }
    }
    int clientCount = 2 + random.nextInt(4);
    for (int c = 0; c < clientCount; c++) {
      Client client = new Client();
      client.process = nextProcess++;
      clients.add(client);
    }
  }

  /** A valid run of {@code steps} random steps, then healing. */
  static Run generate(Random random, int steps) {
    BankModel model = new BankModel(random);
    for (int i = 0; i < steps; i++) {
      model.step();
    }
    model.heal();
    return model.finish();
  }

  private void step() {
    int dice = random.nextInt(100);
    if (dice < 50) {
      Client client = clients.get(random.nextInt(clients.size()));
      if (client.transfer == null && !client.reading) {
        start(client);
      } else if (client.reading) {
        advanceRead(client);
      } else {
        advanceTransfer(client);
      }
    } else if (dice < 95) {
      List<Bank> all = new ArrayList<>(banks.values());
      deliver(all.get(random.nextInt(all.size())));
    } else {
      // The deadline of some undecided txn passes (its client may still be trying).
      txns.values().stream().filter(t -> t.state == TxnState.TRYING).findFirst()
          .ifPresent(txn -> {
            txn.expired = true;
            decide(txn, false);
          });
    }
  }

  private void start(Client client) {
    if (random.nextInt(5) == 0) {
      client.reading = true;
      client.seen.clear();
      client.seqs.clear();
      client.toRead.clear();
      client.toRead.addAll(banks.keySet());
      Collections.shuffle(client.toRead, random);
      history.invoke(client.process, Read.pending());
      return;
    }
    AccountRef from = accounts.get(random.nextInt(accounts.size()));
    AccountRef to = accounts.get(random.nextInt(accounts.size()));
    if (from.equals(to)) {
      return; // try another time
    }
    client.transfer = new Transfer("t" + nextXid++, from, to, 1 + random.nextInt(120));
    client.txn = null;
    history.invoke(client.process, client.transfer);
  }

  private void advanceTransfer(Client client) {
    Transfer transfer = client.transfer;
    if (random.nextInt(12) == 0) {
      history.info(client.process, transfer, "timed out"); // whatever stage the txn is in
      retire(client);
      return;
    }
    Txn txn = client.txn;
    if (txn == null) {
      if (random.nextInt(10) == 0) {
        history.fail(client.process, transfer, "begin refused");
        done(client);
        return;
      }
      client.txn = new Txn(transfer);
      txns.put(transfer.xid(), client.txn);
      return;
    }
    if (txn.state != TxnState.TRYING) {
      // Decided: by this client, or by the deadline while it was still trying.
      if (txn.confirms()) {
        history.ok(client.process, transfer);
      } else {
        history.fail(client.process, transfer, txn.expired ? "expired" : "insufficient funds");
      }
      done(client);
      return;
    }
    for (Branch branch : txn.branches) {
      if (!branch.tried) {
        tryBranch(branch);
        if (branch.tryFailed) {
          decide(txn, false);
        }
        return; // one try per step, so other steps run in between
      }
    }
    decide(txn, true);
  }

  private void tryBranch(Branch branch) {
    branch.tried = true;
    if (branch.id.equals(Transfer.DEBIT_BRANCH)) {
      long[] account = money.get(branch.account);
      if (account[0] - account[1] >= branch.amount) {
        account[1] += branch.amount; // freeze
      } else {
        branch.tryFailed = true; // an overdraft is refused
      }
    }
  }

  /** The cluster decides and numbers each branch's call at its participant, in branch order. */
  private void decide(Txn txn, boolean confirm) {
    txn.state = confirm ? TxnState.CONFIRMING : TxnState.CANCELLING;
    for (Branch branch : txn.branches) {
      Bank bank = banks.get(branch.account.participant());
      branch.seq = ++bank.assigned;
      bank.queueTxn.put(branch.seq, txn);
      bank.queueBranch.put(branch.seq, branch);
    }
  }

  /** The bank applies its next call, if the cluster has numbered it: strictly in seq order. */
  private boolean deliver(Bank bank) {
    long seq = bank.applied + 1;
    Txn txn = bank.queueTxn.remove(seq);
    if (txn == null) {
      return false;
    }
    Branch branch = bank.queueBranch.remove(seq);
    long[] account = money.get(branch.account);
    boolean debit = branch.id.equals(Transfer.DEBIT_BRANCH);
    AppliedCall.Step step;
    if (txn.confirms()) {
      account[0] += debit ? -branch.amount : branch.amount;
      account[1] -= debit ? branch.amount : 0;
      step = AppliedCall.Step.CONFIRM;
    } else if (branch.tried) {
      account[1] -= debit && !branch.tryFailed ? branch.amount : 0; // release the freeze
      step = AppliedCall.Step.CANCEL;
    } else {
      step = AppliedCall.Step.EMPTY_CANCEL; // never tried, and now it never will be
    }
    bank.log.add(new AppliedCall(txn.transfer.xid(), branch.id, seq, step));
    bank.applied = seq;
    branch.acked = true;
    if (txn.branches.stream().allMatch(b -> b.acked)) {
      txn.state = txn.confirms() ? TxnState.CONFIRMED : TxnState.CANCELLED;
    }
    return true;
  }

  private void advanceRead(Client client) {
    if (random.nextInt(15) == 0) {
      history.info(client.process, Read.pending(), "timed out");
      retire(client);
      return;
    }
    if (!client.toRead.isEmpty()) {
      // One bank per step: its balances and applied seq together, as one local read.
      String id = client.toRead.remove(client.toRead.size() - 1);
      money.forEach((account, m) -> {
        if (account.participant().equals(id)) {
          client.seen.put(account, new Balance(m[0] - m[1], m[1]));
        }
      });
      client.seqs.put(id, banks.get(id).applied);
      return;
    }
    if (random.nextInt(10) == 0) {
      history.fail(client.process, Read.pending(), "a bank refused the read");
    } else {
      // A third of the reads come without applied seqs: the checker can only bound those.
      history.ok(client.process, new Read(client.seen,
          random.nextInt(3) == 0 ? Map.of() : client.seqs));
    }
    done(client);
  }

  private void done(Client client) {
    client.transfer = null;
    client.txn = null;
    client.reading = false;
  }

  /** After an info the process is retired, Jepsen-style; the client carries on as a new one. */
  private void retire(Client client) {
    done(client);
    client.process = nextProcess++;
  }

  private void heal() {
    for (Txn txn : txns.values()) {
      if (txn.state == TxnState.TRYING) {
        txn.expired = true;
        decide(txn, false);
      }
    }
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Bank bank : banks.values()) {
        progress |= deliver(bank);
      }
    }
    // Running operations stay open: the history ends without their completion (unknown).
  }

  private Run finish() {
    Run run = new Run();
    run.events.addAll(history.events());
    run.opening.putAll(opening);
    for (Txn txn : txns.values()) {
      List<BranchSnapshot> branches = new ArrayList<>();
      for (Branch b : txn.branches) {
        branches.add(new BranchSnapshot(b.id, b.account.participant(), b.seq,
            b.acked ? Phase2State.ACKED : Phase2State.PENDING, 20));
      }
      String xid = txn.transfer.xid();
      run.cluster.put(xid, new TxnSnapshot(xid, txn.state, 0, 0, branches, txn.expired));
    }
    banks.forEach((id, bank) -> {
      run.logs.put(id, new ArrayList<>(bank.log));
      run.watermarks.put(id, bank.applied);
    });
    money.forEach((account, m) -> run.balances.put(account, new Balance(m[0] - m[1], m[1])));
    run.recovery = Recovery.within(random.nextInt(5_000), 30_000);
    return run;
  }
}
