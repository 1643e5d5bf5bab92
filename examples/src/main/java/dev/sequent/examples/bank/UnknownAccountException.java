package dev.sequent.examples.bank;

/** No account with this id exists in this bank. */
public final class UnknownAccountException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnknownAccountException(String id) {
    super("no account " + id + " in this bank");
  }
}
