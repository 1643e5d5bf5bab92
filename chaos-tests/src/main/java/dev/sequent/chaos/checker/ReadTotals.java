package dev.sequent.chaos.checker;

/**
 * Jepsen's bank-checker figures for the ok reads: how many were checked, how many of them could
 * be checked exactly (each participant's applied seq known, so money in flight is accounted
 * for; the others only against a bound), and the reads whose total was wrong: how many, the
 * first, and the worst.
 *
 * @param checked ok reads checked
 * @param exact of those, reads checked against the confirms they reflect, to the unit; the rest
 *     were checked against the initial total give or take the money possibly in flight
 * @param wrongTotal reads whose total was not the expected total
 * @param firstWrongIndex the history index of the first such read, or -1
 * @param worstWrongIndex the history index of the read furthest off, or -1
 * @param worstDelta how far off that read was (read total minus expected total), or 0
 */
public record ReadTotals(long checked, long exact, long wrongTotal, long firstWrongIndex,
    long worstWrongIndex, long worstDelta) {
  static final ReadTotals NONE = new ReadTotals(0, 0, 0, -1, -1, 0);

  @Override
  public String toString() {
    return checked + " reads checked (" + exact + " exactly), " + wrongTotal + " wrong totals"
        + (wrongTotal == 0 ? "" : " (first at event " + firstWrongIndex + ", worst at event "
            + worstWrongIndex + " off by " + worstDelta + ")");
  }
}
