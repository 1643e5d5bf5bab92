package dev.sequent.chaos.history;

import java.util.Comparator;
import java.util.Objects;

/**
 * An account at the participant (bank service) that holds it: {@code a1@bank-a}. Account ids are
 * only unique within a participant, so both are needed.
 *
 * @param participant the participant id the cluster knows the bank by
 * @param account the account id inside that bank
 */
public record AccountRef(String participant, String account) implements Comparable<AccountRef> {
  private static final Comparator<AccountRef> ORDER =
      Comparator.comparing(AccountRef::participant).thenComparing(AccountRef::account);

  public AccountRef {
    Objects.requireNonNull(participant, "participant");
    Objects.requireNonNull(account, "account");
    if (participant.isEmpty() || account.isEmpty()) {
      throw new IllegalArgumentException("an account needs a participant and an id, was '"
          + account + "@" + participant + "'");
    }
  }

  /** Sorted by participant, then account, so files and reports list accounts stably. */
  @Override
  public int compareTo(AccountRef other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return account + "@" + participant;
  }
}
