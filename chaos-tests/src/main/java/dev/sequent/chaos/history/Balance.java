package dev.sequent.chaos.history;

/**
 * One account's money as read: what can still be spent, and what transfers out have frozen but
 * not taken yet. Any values are accepted, negative ones too, because a read reports what the
 * bank said and a negative balance is for the checker to flag, not for the recorder to refuse.
 *
 * @param available money that can be frozen or spent
 * @param frozen money reserved by tries of transfers out, not final yet
 */
public record Balance(long available, long frozen) {

  /** Everything the account holds: available plus frozen. */
  public long total() {
    return Math.addExact(available, frozen);
  }

  @Override
  public String toString() {
    return available + "+" + frozen;
  }
}
