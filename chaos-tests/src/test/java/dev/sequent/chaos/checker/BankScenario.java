package dev.sequent.chaos.checker;

import static dev.sequent.chaos.checker.AppliedCall.Step.CANCEL;
import static dev.sequent.chaos.checker.AppliedCall.Step.CONFIRM;
import static dev.sequent.chaos.checker.AppliedCall.Step.EMPTY_CANCEL;

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
import java.util.List;
import java.util.Map;

/**
 * A small correct run, written out by hand so every number can be checked on paper. Two banks,
 * two accounts each, 100 in every account (total 400):
 *
 * <pre>
 * xid  transfer               client  cluster     bank-a seqs        bank-b seqs
 * t1   a1@a -> b1@b   30      ok      CONFIRMED   1 debit CONFIRM     1 credit CONFIRM
 * t2   b2@b -> a2@a  500      fail    CANCELLED   2 credit CANCEL     2 debit CANCEL (try failed)
 * t3   a2@a -> a1@a   10      info    CONFIRMED   3 debit, 4 credit   -
 * t4   b1@b -> a1@a   20      info    CANCELLED   5 credit EMPTY_C.   3 debit CANCEL (expired)
 * t5   a1@a -> b2@b    5      ok      CONFIRMED   6 debit CONFIRM     4 credit CONFIRM
 * t6   b2@b -> b1@b    7      fail    (never begun)
 * t7   a2@a -> b2@b   15      (none)  CONFIRMED   7 debit CONFIRM     5 credit CONFIRM
 * </pre>
 *
 * Reads: r1 at the start (no applied seqs: the plain rule); r2 with t1's debit applied at bank-a
 * but its credit not yet at bank-b (30 in flight: total 370); r3 at bank-a seq 5 and bank-b seq
 * 3, with t5's 5 frozen in a1 (total 400); then a failed read and an unknown one. Final: a1 75,
 * a2 75, b1 130, b2 120.
 */
final class BankScenario {
  static final String A = "bank-a";
  static final String B = "bank-b";
  static final AccountRef A1 = new AccountRef(A, "a1");
  static final AccountRef A2 = new AccountRef(A, "a2");
  static final AccountRef B1 = new AccountRef(B, "b1");
  static final AccountRef B2 = new AccountRef(B, "b2");

  static final Transfer T1 = new Transfer("t1", A1, B1, 30);
  static final Transfer T2 = new Transfer("t2", B2, A2, 500);
  static final Transfer T3 = new Transfer("t3", A2, A1, 10);
  static final Transfer T4 = new Transfer("t4", B1, A1, 20);
  static final Transfer T5 = new Transfer("t5", A1, B2, 5);
  static final Transfer T6 = new Transfer("t6", B2, B1, 7);
  static final Transfer T7 = new Transfer("t7", A2, B2, 15);

  /** The event index of read r3 (the exact read with frozen money). */
  static final int R3_OK_INDEX = 16;
  /** The event index of read r2 (the exact read with t1's 30 in flight). */
  static final int R2_OK_INDEX = 5;
  /** The event index of read r1 (the plain read). */
  static final int R1_OK_INDEX = 1;

  private BankScenario() {}

  static Run correct() {
    Run run = new Run();
    run.events.addAll(history().events());
    for (AccountRef account : List.of(A1, A2, B1, B2)) {
      run.opening.put(account, 100L);
    }
    txn(run, T1, TxnState.CONFIRMED, 1, 1);
    txn(run, T2, TxnState.CANCELLED, 2, 2);
    txn(run, T3, TxnState.CONFIRMED, 3, 4);
    txn(run, T4, TxnState.CANCELLED, 3, 5);
    txn(run, T5, TxnState.CONFIRMED, 6, 4);
    txn(run, T7, TxnState.CONFIRMED, 7, 5);
    run.logs.put(A, new ArrayList<>(List.of(
        call(T1, Transfer.DEBIT_BRANCH, 1, CONFIRM),
        call(T2, Transfer.CREDIT_BRANCH, 2, CANCEL),
        call(T3, Transfer.DEBIT_BRANCH, 3, CONFIRM),
        call(T3, Transfer.CREDIT_BRANCH, 4, CONFIRM),
        call(T4, Transfer.CREDIT_BRANCH, 5, EMPTY_CANCEL),
        call(T5, Transfer.DEBIT_BRANCH, 6, CONFIRM),
        call(T7, Transfer.DEBIT_BRANCH, 7, CONFIRM))));
    run.logs.put(B, new ArrayList<>(List.of(
        call(T1, Transfer.CREDIT_BRANCH, 1, CONFIRM),
        call(T2, Transfer.DEBIT_BRANCH, 2, CANCEL),
        call(T4, Transfer.DEBIT_BRANCH, 3, CANCEL),
        call(T5, Transfer.CREDIT_BRANCH, 4, CONFIRM),
        call(T7, Transfer.CREDIT_BRANCH, 5, CONFIRM))));
    run.watermarks.put(A, 7L);
    run.watermarks.put(B, 5L);
    run.balances.put(A1, new Balance(75, 0));
    run.balances.put(A2, new Balance(75, 0));
    run.balances.put(B1, new Balance(130, 0));
    run.balances.put(B2, new Balance(120, 0));
    return run;
  }

  private static History history() {
    long[] now = {1_000};
    History history = History.recorder(() -> now[0] += 1_000);
    history.invoke(9, Read.pending());
    history.ok(9, Read.of(balances(100, 0, 100, 0, 100, 0, 100, 0))); // r1, index 1
    history.invoke(1, T1);
    history.invoke(2, T2);
    history.invoke(9, Read.pending());
    history.ok(9, new Read(balances(70, 0, 100, 0, 100, 0, 100, 0),
        Map.of(A, 1L, B, 0L))); // r2: t1's 30 in flight
    history.ok(1, T1);
    history.fail(2, T2, "INSUFFICIENT_FUNDS: b2@bank-b has 100");
    history.invoke(3, T3);
    history.info(3, T3, "timed out after 30000 ms");
    history.invoke(4, T4);
    history.info(4, T4, "connection reset");
    history.invoke(5, T5);
    history.invoke(9, Read.pending());
    history.invoke(6, T6);
    history.fail(6, T6, "begin refused: NOT_LEADER");
    history.ok(9, new Read(balances(75, 5, 90, 0, 130, 0, 100, 0),
        Map.of(A, 5L, B, 3L))); // r3, index 16
    history.ok(5, T5);
    history.invoke(9, Read.pending());
    history.fail(9, Read.pending(), "bank-b unavailable");
    history.invoke(10, Read.pending());
    history.info(10, Read.pending(), "timed out");
    history.invoke(7, T7); // never completes: the run ended first
    return history;
  }

  private static Map<AccountRef, Balance> balances(long a1, long a1Frozen, long a2,
      long a2Frozen, long b1, long b1Frozen, long b2, long b2Frozen) {
    return Map.of(A1, new Balance(a1, a1Frozen), A2, new Balance(a2, a2Frozen),
        B1, new Balance(b1, b1Frozen), B2, new Balance(b2, b2Frozen));
  }

  private static void txn(Run run, Transfer transfer, TxnState state, long debitSeq,
      long creditSeq) {
    run.cluster.put(transfer.xid(), new TxnSnapshot(transfer.xid(), state, 0, 0, List.of(
        new BranchSnapshot(Transfer.DEBIT_BRANCH, transfer.from().participant(), debitSeq,
            Phase2State.ACKED, 16),
        new BranchSnapshot(Transfer.CREDIT_BRANCH, transfer.to().participant(), creditSeq,
            Phase2State.ACKED, 16)), state == TxnState.CANCELLED && transfer == T4));
  }

  private static AppliedCall call(Transfer transfer, String branch, long seq,
      AppliedCall.Step step) {
    return new AppliedCall(transfer.xid(), branch, seq, step);
  }
}
