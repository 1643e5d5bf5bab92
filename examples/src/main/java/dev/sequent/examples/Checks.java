package dev.sequent.examples;

import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.client.participant.BranchFence;
import dev.sequent.client.participant.FenceState;
import dev.sequent.examples.Runner.Outcome;
import dev.sequent.examples.Workload.Kind;
import dev.sequent.examples.bank.Account;
import dev.sequent.examples.bank.AccountService;
import dev.sequent.examples.bank.AppliedCall;
import dev.sequent.examples.bank.TransferResult.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The demo's checks, each rebuilt from independent records: the workload's plan, what the
 * initiators were told, the cluster's own record (status queries), and each bank's database (its
 * accounts, its journal of applied phase-2 calls, its fence). Each check is ok or FAIL with a
 * sentence saying what was compared.
 */
final class Checks {
  /** How many problems a failed check lists before "...". */
  static final int EXAMPLES_MAX = 3;

  /** One check's verdict. */
  record Check(boolean ok, String name, String detail) {}

  /** Everything the checks read. */
  record Evidence(Workload workload, List<Outcome> outcomes, Map<String, TxnSnapshot> cluster,
      List<AccountService> banks, int lateConfirms, int lateConfirmsRefused,
      Map<String, Throwable> fatalErrors, LeaderKiller.Report failover) {}

  private final Evidence evidence;
  private final List<Check> checks = new ArrayList<>();

  private Checks(Evidence evidence) {
    this.evidence = evidence;
  }

  static List<Check> run(Evidence evidence) {
    Checks run = new Checks(evidence);
    run.everyTransferFinished();
    run.initiatorsAgreeWithCluster();
    run.moneyConserved();
    for (AccountService bank : evidence.banks()) {
      run.phaseTwoInDecisionOrder(bank);
    }
    run.allOrNothing();
    run.lateConfirmsRefused();
    run.noNodeFailed();
    if (evidence.failover() != null) {
      run.failoverCompleted();
    }
    return List.copyOf(run.checks);
  }

  private void everyTransferFinished() {
    List<String> unfinished = new ArrayList<>();
    for (Outcome outcome : evidence.outcomes()) {
      TxnSnapshot txn = evidence.cluster().get(outcome.plan().xid());
      if (!ClusterView.isFinished(txn)) {
        unfinished.add(outcome.plan().xid() + " " + (txn == null ? "unknown" : txn.state()));
      }
    }
    add("phase two finished for every transfer",
        unfinished, evidence.outcomes().size() + " CONFIRMED or CANCELLED in the cluster");
  }

  private void initiatorsAgreeWithCluster() {
    List<String> problems = new ArrayList<>();
    for (Outcome outcome : evidence.outcomes()) {
      TxnSnapshot txn = evidence.cluster().get(outcome.plan().xid());
      Status told = outcome.result().status();
      boolean clusterConfirmed = txn != null && txn.state() == TxnState.CONFIRMED;
      boolean expiredInCluster = txn != null && txn.expired();
      boolean agree = told == Status.FAILED // the initiator gave up: it does not know
          || ((told == Status.CONFIRMED) == clusterConfirmed
              && (told != Status.EXPIRED || expiredInCluster));
      if (!agree || outcome.plan().kind() == Kind.OVERDRAFT && told != Status.INSUFFICIENT_FUNDS) {
        problems.add(outcome.plan().xid() + " told " + told + ", cluster "
            + (txn == null ? "unknown" : txn.state() + (txn.expired() ? " (expired)" : "")));
      }
    }
    add("initiators and the cluster agree on every outcome", problems,
        "every designed overdraft refused; every expired transfer expired in the cluster");
  }

  private void moneyConserved() {
    long total = 0;
    long frozen = 0;
    Map<String, Long> expected = new TreeMap<>(evidence.workload().openings);
    for (Outcome outcome : evidence.outcomes()) {
      TxnSnapshot txn = evidence.cluster().get(outcome.plan().xid());
      if (txn != null && txn.state() == TxnState.CONFIRMED) {
        expected.merge(outcome.plan().from(), -outcome.plan().amount(), Long::sum);
        expected.merge(outcome.plan().to(), outcome.plan().amount(), Long::sum);
      }
    }
    List<String> mismatches = new ArrayList<>();
    Set<String> found = new HashSet<>();
    for (AccountService bank : evidence.banks()) {
      for (Account account : bank.accounts()) {
        total += account.balance();
        frozen += account.frozen();
        found.add(account.id());
        Long want = expected.get(account.id());
        if (want == null || want != account.balance()) {
          mismatches.add(account.id() + " holds " + account.balance() + ", expected " + want);
        }
      }
    }
    expected.keySet().stream().filter(id -> !found.contains(id))
        .forEach(id -> mismatches.add(id + " is missing"));
    long before = evidence.workload().totalMoney();
    add("total money conserved across both banks", total == before ? List.of()
        : List.of(before + " before, " + total + " after"),
        String.format("%,d before, %,d after", before, total));
    add("no frozen money left", frozen == 0 ? List.of() : List.of(frozen + " still frozen"),
        "0 frozen in " + found.size() + " accounts");
    add("every balance equals the replay of the confirmed transfers", mismatches,
        found.size() + " accounts match, rebuilt from the opening balances");
  }

  /**
   * The bank applied exactly the calls the cluster assigned it, in seq order, each once: the
   * cluster's seqs are 1..n with no gap or repeat; the bank's journal (written with the money)
   * shows increasing seqs, each the branch and step the cluster gave that seq; a seq missing
   * from the journal is an empty cancel in the fence; the fence's watermark is n.
   */
  private void phaseTwoInDecisionOrder(AccountService bank) {
    String participant = bank.participant();
    TreeMap<Long, String> assigned = new TreeMap<>();
    Map<String, TxnState> decided = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (TxnSnapshot txn : evidence.cluster().values()) {
      if (txn == null) {
        continue;
      }
      decided.put(txn.xid(), txn.state());
      for (BranchSnapshot branch : txn.branches()) {
        if (branch.participant().equals(participant) && branch.seq() > 0
            && assigned.put(branch.seq(), txn.xid() + "/" + branch.branchId()) != null) {
          problems.add("seq " + branch.seq() + " assigned twice");
        }
      }
    }
    long n = assigned.size();
    if (n > 0 && (assigned.firstKey() != 1 || assigned.lastKey() != n)) {
      problems.add("the cluster's seqs are not 1.." + n);
    }
    long previous = 0;
    Set<String> applied = new HashSet<>();
    for (AppliedCall call : bank.appliedCalls()) {
      String branch = call.xid() + "/" + call.branchId();
      TxnState state = decided.get(call.xid());
      boolean stepOk = (call.step() == AppliedCall.Step.CONFIRM) == (state == TxnState.CONFIRMED);
      if (call.seq() <= previous || !branch.equals(assigned.get(call.seq())) || !stepOk
          || !applied.add(branch)) {
        problems.add(call.step() + " seq " + call.seq() + " of " + branch + " after seq "
            + previous + "; the cluster gave seq " + call.seq() + " to "
            + assigned.get(call.seq()) + " (" + state + ")");
      }
      previous = Math.max(previous, call.seq());
    }
    int emptyCancels = 0;
    for (Map.Entry<Long, String> call : assigned.entrySet()) {
      if (!applied.contains(call.getValue())) {
        String[] ids = call.getValue().split("/", 2);
        Optional<BranchFence> row = bank.fence().branch(participant, ids[0], ids[1]);
        if (row.isPresent() && row.get().state() == FenceState.CANCELLED_EMPTY) {
          emptyCancels++;
        } else {
          problems.add("seq " + call.getKey() + " (" + call.getValue() + ") was never applied");
        }
      }
    }
    long watermark = bank.fence().watermark(participant).appliedSeq();
    if (watermark != n) {
      problems.add("the fence's watermark is " + watermark + ", the cluster assigned " + n);
    }
    add(participant + " applied phase two in the cluster's decision order", problems,
        String.format("journal in the cluster's order, seqs 1..%d each once; %d empty cancels",
            n, emptyCancels));
  }

  /** Both banks did what the cluster decided, branch by branch, according to their fences. */
  private void allOrNothing() {
    List<String> problems = new ArrayList<>();
    for (Outcome outcome : evidence.outcomes()) {
      TxnSnapshot txn = evidence.cluster().get(outcome.plan().xid());
      if (!ClusterView.isFinished(txn)) {
        continue; // reported by the first check
      }
      for (BranchSnapshot branch : txn.branches()) {
        AccountService bank = evidence.banks().stream()
            .filter(b -> b.participant().equals(branch.participant())).findFirst().orElseThrow();
        FenceState state = bank.fence().branch(branch.participant(), txn.xid(),
            branch.branchId()).map(BranchFence::state).orElse(null);
        boolean ok = txn.state() == TxnState.CONFIRMED ? state == FenceState.CONFIRMED
            : state == FenceState.CANCELLED || state == FenceState.CANCELLED_EMPTY;
        if (!ok) {
          problems.add(txn.xid() + " is " + txn.state() + " but " + branch.branchId() + " at "
              + branch.participant() + " is " + state);
        }
      }
    }
    add("every transfer all-or-nothing", problems, "both branches confirmed, or neither, in "
        + evidence.outcomes().size() + " transfers (fences against the cluster)");
  }

  private void lateConfirmsRefused() {
    int late = evidence.lateConfirms();
    int refused = evidence.lateConfirmsRefused();
    add("every late confirm after the cluster's expiry was refused", late == refused
        ? List.of() : List.of((late - refused) + " of " + late + " were accepted"),
        refused + " of " + late + " refused with DECISION_CONFLICT");
  }

  private void noNodeFailed() {
    List<String> failures = new ArrayList<>();
    evidence.fatalErrors().forEach((node, error) -> failures.add(node + ": " + error));
    add("no coordinator node hit a fatal error", failures, "3 nodes healthy");
  }

  private void failoverCompleted() {
    LeaderKiller.Report report = evidence.failover();
    add("a new leader took over and the old one rejoined", report.failure() == null
        ? List.of() : List.of(report.failure()), report.killed() + " killed, " + report.next()
        + " elected in " + report.failoverMs() + " ms");
  }

  private void add(String name, List<String> problems, String whenOk) {
    if (problems.isEmpty()) {
      checks.add(new Check(true, name, whenOk));
      return;
    }
    String examples = String.join("; ", problems.subList(0, Math.min(EXAMPLES_MAX,
        problems.size())));
    checks.add(new Check(false, name, problems.size() + " problems: " + examples
        + (problems.size() > EXAMPLES_MAX ? "; ..." : "")));
  }
}
