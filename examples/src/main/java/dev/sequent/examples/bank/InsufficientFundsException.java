package dev.sequent.examples.bank;

/** A debit asked for more than the account has available: the business said no. */
public final class InsufficientFundsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String account;

  InsufficientFundsException(Account account, long amount) {
    super("insufficient funds in " + account.id() + ": " + amount + " asked, "
        + account.available() + " available (balance " + account.balance() + ", frozen "
        + account.frozen() + ")");
    this.account = account.id();
  }

  /** The account that could not pay. */
  public String account() {
    return account;
  }
}
