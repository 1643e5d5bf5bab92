package dev.sequent.examples.bank;

import java.util.Objects;

/**
 * The bank's business rules for moving money, with no transaction machinery in them: a transfer
 * out freezes the amount first ({@link #freeze}), and later either takes it ({@link
 * #commitFrozen}) or gives it back ({@link #releaseFrozen}); a transfer in is a {@link #deposit}.
 * An overdraft is refused with {@link InsufficientFundsException}; a step that would break the
 * books (taking more than is frozen) with {@link IllegalStateException}. Every operation reads,
 * checks, then writes one account, so a refused one changes nothing.
 */
public final class Accounts {
  private final AccountStore store;

  public Accounts(AccountStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Opens an account with an opening balance. */
  public Account open(String id, long openingBalance) {
    if (store.load(id).isPresent()) {
      throw new IllegalStateException("account " + id + " already exists");
    }
    Account account = new Account(id, openingBalance, 0);
    store.save(account);
    return account;
  }

  /** The account as it is now. */
  public Account get(String id) {
    return store.load(id).orElseThrow(() -> new UnknownAccountException(id));
  }

  /**
   * Reserves {@code amount} of the available money for a transfer out.
   *
   * @throws InsufficientFundsException when less than {@code amount} is available
   */
  public Account freeze(String id, long amount) {
    Account account = get(id);
    requirePositive(amount);
    if (account.available() < amount) {
      throw new InsufficientFundsException(account, amount);
    }
    return save(new Account(id, account.balance(), account.frozen() + amount));
  }

  /** Takes frozen money out of the account: the transfer out is final. */
  public Account commitFrozen(String id, long amount) {
    Account account = requireFrozen(get(id), amount);
    return save(new Account(id, account.balance() - amount, account.frozen() - amount));
  }

  /** Gives frozen money back to the available balance: the transfer out did not happen. */
  public Account releaseFrozen(String id, long amount) {
    Account account = requireFrozen(get(id), amount);
    return save(new Account(id, account.balance(), account.frozen() - amount));
  }

  /** Adds money to the account: a transfer in is final. */
  public Account deposit(String id, long amount) {
    Account account = get(id);
    requirePositive(amount);
    return save(new Account(id, Math.addExact(account.balance(), amount), account.frozen()));
  }

  private Account save(Account account) {
    store.save(account);
    return account;
  }

  private static Account requireFrozen(Account account, long amount) {
    requirePositive(amount);
    if (account.frozen() < amount) {
      // Only a bug can get here: the money was never frozen, or was already taken or released.
      throw new IllegalStateException("account " + account.id() + " has " + account.frozen()
          + " frozen, less than the " + amount + " to take or release");
    }
    return account;
  }

  private static void requirePositive(long amount) {
    if (amount <= 0) {
      throw new IllegalArgumentException("an amount must be positive, was " + amount);
    }
  }
}
