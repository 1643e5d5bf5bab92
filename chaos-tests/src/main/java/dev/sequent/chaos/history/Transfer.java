package dev.sequent.chaos.history;

import java.util.Objects;

/**
 * A transfer: transaction {@code xid} moves {@code amount} from one account to another, with a
 * debit branch at the source's participant (the try freezes the amount, the confirm takes it)
 * and a credit branch at the destination's (the confirm deposits it). Both accounts may be at the
 * same participant; then it runs both branches, each under its own sequence number.
 *
 * @param xid the transaction id, unique in a history
 * @param from the account the money leaves
 * @param to the account the money reaches; never {@code from}
 * @param amount a positive amount
 */
public record Transfer(String xid, AccountRef from, AccountRef to, long amount) implements Op {
  /** The branch id of the debit, as the example's TransferService names it. */
  public static final String DEBIT_BRANCH = "debit";
  /** The branch id of the credit, as the example's TransferService names it. */
  public static final String CREDIT_BRANCH = "credit";

  public Transfer {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (xid.isEmpty()) {
      throw new IllegalArgumentException("a transfer needs an xid");
    }
    if (from.equals(to)) {
      throw new IllegalArgumentException(xid + ": a transfer from " + from + " to itself");
    }
    if (amount <= 0) {
      throw new IllegalArgumentException(xid + ": an amount must be positive, was " + amount);
    }
  }

  @Override
  public OpKind kind() {
    return OpKind.TRANSFER;
  }

  @Override
  public String toString() {
    return xid + " " + amount + " " + from + "->" + to;
  }
}
