package dev.sequent.examples.bank;

import java.util.List;

/**
 * A bank's accounts and the last phase-2 call their money reflects, read as one consistent view:
 * no phase-2 call commits between reading the accounts and reading the seq. A reader who knows
 * which calls the cluster gave up to that seq can then tell exactly what every balance must be.
 *
 * @param accounts every account, ordered by id
 * @param lastAppliedSeq the highest seq in the bank's journal at that instant (0: none applied)
 */
public record BankSnapshot(List<Account> accounts, long lastAppliedSeq) {
  public BankSnapshot {
    accounts = List.copyOf(accounts);
    if (lastAppliedSeq < 0) {
      throw new IllegalArgumentException("applied seq " + lastAppliedSeq);
    }
  }
}
