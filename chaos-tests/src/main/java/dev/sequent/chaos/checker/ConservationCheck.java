package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.history.Event;
import dev.sequent.chaos.history.Read;
import dev.sequent.chaos.history.Transfer;
import dev.sequent.client.TxnSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * No money made or lost, Jepsen-bank style, over every ok read and the final balances.
 *
 * <p>Money in flight is the difficulty: between a confirmed transfer's debit at one bank and its
 * credit at the other, every read is legitimately short (or, credit first, over) by its amount.
 * A read that carries every participant's applied seq is checked exactly: its expected total is
 * the initial total plus the confirms those seqs cover, and each account is checked too. A read
 * without them is checked against a bound: the initial total, give or take the amounts of the
 * transfers the cluster decided to confirm that were invoked before the read completed (with none
 * invoked yet, that is Jepsen's plain rule, sum equals total).
 *
 * <ul>
 *   <li>{@code wrong-total}: a read's available plus frozen money is not the expected total (or
 *       outside the bound);
 *   <li>{@code wrong-balance}: an account in a read is not its opening balance plus the confirms
 *       its participant had applied;
 *   <li>{@code negative-value}, {@code unexpected-account}, {@code missing-account}: in a read or
 *       at the end;
 *   <li>{@code wrong-final-total}: the final available plus frozen money is not the initial
 *       total;
 *   <li>{@code frozen-at-end}: money still frozen after recovery (the txns listed are the transfers
 *       out of that account whose debit was neither confirmed nor cancelled there);
 *   <li>{@code balance-mismatch}: a final balance is not its opening balance plus the transfers
 *       the cluster decided to confirm.
 * </ul>
 *
 * With no frozen money and the right final total, the final available total is the initial
 * total.
 */
final class ConservationCheck {
  /** The money confirms move at one participant, in seq order, for replaying reads. */
  private record Confirm(long seq, AccountRef account, long delta) {}

  /** The violations and the read figures. */
  record Result(List<Violation> violations, ReadTotals reads) {}

  private final Evidence evidence;
  private final List<Violation> violations = new ArrayList<>();
  private final Map<String, List<Confirm>> confirms = new HashMap<>();

  private ConservationCheck(Evidence evidence) {
    this.evidence = evidence;
  }

  static Result run(Evidence evidence) {
    ConservationCheck check = new ConservationCheck(evidence);
    check.indexConfirms();
    ReadTotals reads = check.reads();
    check.finalBalances();
    check.replay();
    return new Result(List.copyOf(check.violations), reads);
  }

  /** Per participant, the money its applied confirms moved, each (xid, branch) once. */
  private void indexConfirms() {
    for (ParticipantLog log : evidence.state.participants().values()) {
      List<Confirm> list = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (AppliedCall call : log.applied()) {
        if (call.step() == AppliedCall.Step.CONFIRM
            && seen.add(call.xid() + "/" + call.branchId())) {
          evidence.leg(call.xid(), call.branchId())
              .ifPresent(leg -> list.add(new Confirm(call.seq(), leg.account(), leg.delta())));
        }
      }
      confirms.put(log.participant(), list);
    }
  }

  private ReadTotals reads() {
    long exact = 0;
    long wrong = 0;
    long first = -1;
    long worst = -1;
    long worstDelta = 0;
    long initial = evidence.state.initialTotal();
    Set<String> participants = new HashSet<>();
    evidence.state.openingBalances().keySet().forEach(a -> participants.add(a.participant()));
    TreeMap<Long, Long> inFlightUpTo = confirmedAmountsByInvoke();
    for (Event event : evidence.okReads) {
      Read read = event.read();
      String where = "read at event " + event.index() + " (process " + event.process() + ")";
      accounts(read.balances(), where);
      long got = 0;
      for (Balance balance : read.balances().values()) {
        got += balance.total();
      }
      long want = initial;
      long slack = 0;
      String expected;
      if (read.appliedSeqs().keySet().containsAll(participants)) {
        Map<AccountRef, Long> balances = balancesAt(read.appliedSeqs());
        wrongBalances(read, balances, where);
        want = sum(balances);
        expected = "expected " + want + " (initial " + initial + " and the confirms applied at "
            + read.appliedSeqs() + ")";
        exact++;
      } else {
        Map.Entry<Long, Long> before = inFlightUpTo.floorEntry(event.index());
        slack = before == null ? 0 : before.getValue();
        expected = slack == 0 ? "expected " + want : "expected " + want + " give or take "
            + slack + " of confirmed transfers possibly in flight";
      }
      long off = Math.abs(got - want) <= slack ? 0 : got - want;
      if (off != 0) {
        violations.add(Violation.of(Check.CONSERVATION, "wrong-total", where + ": total " + got
            + ", " + expected + ", off by " + off));
        wrong++;
        first = first < 0 ? event.index() : first;
        if (Math.abs(off) > Math.abs(worstDelta)) {
          worst = event.index();
          worstDelta = off;
        }
      }
    }
    return new ReadTotals(evidence.okReads.size(), exact, wrong, first, worst, worstDelta);
  }

  /**
   * For reads without applied seqs: by history index of invoke, the running sum of the amounts of
   * the transfers the cluster decided to confirm, invoked up to there. Everything such a transfer
   * moves may be in flight during any later read, as phase two runs in the background.
   */
  private TreeMap<Long, Long> confirmedAmountsByInvoke() {
    TreeMap<Long, Long> amounts = new TreeMap<>();
    evidence.transfers.forEach((xid, transfer) -> {
      if (Evidence.decidedConfirm(evidence.state.cluster().get(xid))) {
        amounts.put(evidence.invokedAt.get(xid), transfer.amount());
      }
    });
    TreeMap<Long, Long> running = new TreeMap<>();
    long sum = 0;
    for (Map.Entry<Long, Long> amount : amounts.entrySet()) {
      sum += amount.getValue();
      running.put(amount.getKey(), sum);
    }
    return running;
  }

  /** Each account's money once each participant had applied the seqs given. */
  private Map<AccountRef, Long> balancesAt(Map<String, Long> appliedSeqs) {
    Map<AccountRef, Long> balances = new TreeMap<>(evidence.state.openingBalances());
    confirms.forEach((participant, list) -> {
      long upTo = appliedSeqs.getOrDefault(participant, 0L);
      for (Confirm confirm : list) {
        if (confirm.seq() <= upTo) {
          balances.merge(confirm.account(), confirm.delta(), Long::sum);
        }
      }
    });
    return balances;
  }

  private void wrongBalances(Read read, Map<AccountRef, Long> expected, String where) {
    List<String> wrong = new ArrayList<>();
    read.balances().forEach((account, balance) -> {
      Long want = expected.get(account);
      if (want != null && want != balance.total()) {
        wrong.add(account + " holds " + balance.total() + ", expected " + want);
      }
    });
    if (!wrong.isEmpty()) {
      violations.add(Violation.of(Check.CONSERVATION, "wrong-balance", where + " at applied seqs "
          + read.appliedSeqs() + ": " + wrong));
    }
  }

  /** Unexpected, missing and negative accounts, in a read or at the end. */
  private void accounts(Map<AccountRef, Balance> balances, String where) {
    Map<AccountRef, Long> opening = evidence.state.openingBalances();
    List<AccountRef> unexpected = new ArrayList<>();
    List<String> negative = new ArrayList<>();
    balances.forEach((account, balance) -> {
      if (!opening.containsKey(account)) {
        unexpected.add(account);
      }
      if (balance.available() < 0 || balance.frozen() < 0) {
        negative.add(account + " " + balance.available() + " available, " + balance.frozen()
            + " frozen");
      }
    });
    List<AccountRef> missing = new ArrayList<>();
    opening.keySet().stream().filter(a -> !balances.containsKey(a)).forEach(missing::add);
    if (!unexpected.isEmpty()) {
      violations.add(Violation.of(Check.CONSERVATION, "unexpected-account", where
          + ": accounts nobody opened " + unexpected));
    }
    if (!missing.isEmpty()) {
      violations.add(Violation.of(Check.CONSERVATION, "missing-account", where
          + ": no balance for " + missing));
    }
    if (!negative.isEmpty()) {
      violations.add(Violation.of(Check.CONSERVATION, "negative-value", where + ": "
          + negative));
    }
  }

  private void finalBalances() {
    Map<AccountRef, Balance> balances = evidence.state.balances();
    accounts(balances, "final state");
    long total = 0;
    for (Balance balance : balances.values()) {
      total += balance.total();
    }
    long initial = evidence.state.initialTotal();
    if (total != initial) {
      violations.add(Violation.of(Check.CONSERVATION, "wrong-final-total", "final state: total "
          + total + " (available plus frozen), initial " + initial + ", off by "
          + (total - initial)));
    }
    balances.forEach((account, balance) -> {
      if (balance.frozen() != 0) {
        List<String> suspects = unfinishedDebits(account);
        violations.add(new Violation(Check.CONSERVATION, "frozen-at-end", suspects,
            "final state: " + account + " still has " + balance.frozen() + " frozen; transfers"
            + " out of it whose debit was neither confirmed nor cancelled: " + suspects));
      }
    });
  }

  /** The transfers out of the account whose debit its participant never ran phase two for. */
  private List<String> unfinishedDebits(AccountRef account) {
    Set<String> finished = new HashSet<>();
    for (AppliedCall call : evidence.applied(account.participant())) {
      if (call.branchId().equals(Transfer.DEBIT_BRANCH)
          && (call.step() == AppliedCall.Step.CONFIRM || call.step() == AppliedCall.Step.CANCEL)) {
        finished.add(call.xid());
      }
    }
    List<String> suspects = new ArrayList<>();
    evidence.transfers.forEach((xid, transfer) -> {
      if (transfer.from().equals(account) && !finished.contains(xid)) {
        suspects.add(xid);
      }
    });
    return suspects;
  }

  /** Each final balance is its opening balance plus the transfers the cluster confirmed. */
  private void replay() {
    Map<AccountRef, Long> expected = new TreeMap<>(evidence.state.openingBalances());
    Map<AccountRef, List<String>> moved = new HashMap<>();
    evidence.transfers.forEach((xid, transfer) -> {
      TxnSnapshot txn = evidence.state.cluster().get(xid);
      if (Evidence.decidedConfirm(txn)) {
        expected.merge(transfer.from(), -transfer.amount(), Long::sum);
        expected.merge(transfer.to(), transfer.amount(), Long::sum);
        moved.computeIfAbsent(transfer.from(), a -> new ArrayList<>()).add(xid);
        moved.computeIfAbsent(transfer.to(), a -> new ArrayList<>()).add(xid);
      }
    });
    expected.forEach((account, want) -> {
      Balance balance = evidence.state.balances().get(account);
      if (balance != null && balance.total() != want) {
        long opening = evidence.state.openingBalances().getOrDefault(account, 0L);
        violations.add(Violation.of(Check.CONSERVATION, "balance-mismatch", "final state: "
            + account + " holds " + balance.total() + ", expected " + want + " (opened with "
            + opening + ", then " + moved.getOrDefault(account, List.of()).size()
            + " transfer(s) the cluster confirmed)"));
      }
    });
  }

  private static long sum(Map<AccountRef, Long> balances) {
    long total = 0;
    for (long money : balances.values()) {
      total += money;
    }
    return total;
  }
}
