package dev.sequent.examples.bank;

import java.util.Objects;

/**
 * One account's money, in whole units: the balance, and the part of it that is frozen for
 * transfers out that are not final yet. Only {@code available()} can be frozen again, so frozen
 * money cannot be spent twice.
 *
 * @param id the account id, for example {@code eu-007}
 * @param balance everything the account holds, frozen money included; never negative
 * @param frozen the part of the balance reserved for pending transfers out; at most the balance
 */
public record Account(String id, long balance, long frozen) {

  public Account {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("an account id must not be blank");
    }
    if (balance < 0 || frozen < 0 || frozen > balance) {
      throw new IllegalArgumentException("account " + id + ": invalid money (balance " + balance
          + ", frozen " + frozen + ")");
    }
  }

  /** What can still be frozen or spent. */
  public long available() {
    return balance - frozen;
  }
}
