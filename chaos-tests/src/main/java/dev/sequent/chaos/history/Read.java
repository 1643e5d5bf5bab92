package dev.sequent.chaos.history;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A read of every account at every participant. An invoke carries an empty read; an ok
 * completion carries what was seen.
 *
 * <p>Reads of different participants are not one atomic snapshot, and even an instant's state is
 * off by the money a confirmed transfer has taken from its source but not yet deposited at its
 * destination (or deposited before taking it, at another bank). So each participant's balances
 * may come with the last phase-2 seq they reflect, read in the same local snapshot as the
 * balances (for the example banks: the highest seq in the bank's journal, which is written with
 * the money; not the fence's watermark, written after it). With that for every participant the
 * checker knows exactly which confirms the read reflects and checks every account to the unit.
 * Without it the checker only knows the total is the initial total give or take the money of
 * the confirmed transfers invoked so far, a much weaker check.
 *
 * @param balances each account's money as read, by account
 * @param appliedSeqs per participant, the last phase-2 seq its balances reflect (absent: not
 *     known)
 */
public record Read(Map<AccountRef, Balance> balances, Map<String, Long> appliedSeqs)
    implements Op {
  private static final Read PENDING = new Read(Map.of(), Map.of());

  public Read {
    Objects.requireNonNull(balances, "balances");
    Objects.requireNonNull(appliedSeqs, "appliedSeqs");
    // Sorted copies: files and reports list accounts in a stable order.
    balances = Collections.unmodifiableMap(new TreeMap<>(balances));
    appliedSeqs = Collections.unmodifiableMap(new TreeMap<>(appliedSeqs));
    for (Map.Entry<String, Long> seq : appliedSeqs.entrySet()) {
      if (seq.getValue() < 0) {
        throw new IllegalArgumentException("applied seq of " + seq.getKey()
            + " must not be negative, was " + seq.getValue());
      }
    }
  }

  /** The value of a read's invoke: nothing seen yet. */
  public static Read pending() {
    return PENDING;
  }

  /** A read that saw {@code balances}, without applied seqs. */
  public static Read of(Map<AccountRef, Balance> balances) {
    return new Read(balances, Map.of());
  }

  @Override
  public OpKind kind() {
    return OpKind.READ;
  }

  /** True when the read carries nothing (an invoke). */
  public boolean isEmpty() {
    return balances.isEmpty() && appliedSeqs.isEmpty();
  }
}
