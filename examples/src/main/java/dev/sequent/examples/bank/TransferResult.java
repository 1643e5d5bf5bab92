package dev.sequent.examples.bank;

import java.util.Objects;

/**
 * How one transfer ended, as its initiator saw it.
 *
 * @param xid the transaction id
 * @param status the outcome
 * @param detail why, in words (empty when confirmed)
 */
public record TransferResult(String xid, Status status, String detail) {

  /** The outcome of a transfer. */
  public enum Status {
    /** Decided CONFIRM: both banks will apply it. */
    CONFIRMED,
    /** The debit's try was refused for lack of money: cancelled. */
    INSUFFICIENT_FUNDS,
    /** Another try refused or unreachable (an unknown account, a bank down): cancelled. */
    REFUSED,
    /** The cluster cancelled it at its deadline before the initiator decided. */
    EXPIRED,
    /** The initiator gave up (the cluster unreachable); the deadline cancels it if undecided. */
    FAILED
  }

  public TransferResult {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
  }
}
