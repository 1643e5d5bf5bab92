package dev.sequent.chaos.history;

/** The operations of the bank workload (Jepsen's {@code :f}); files spell them in lower case. */
public enum OpKind {
  /** Move money from one account to another: one transaction with a debit and a credit. */
  TRANSFER,
  /** Read every account's available and frozen money across all participants. */
  READ
}
