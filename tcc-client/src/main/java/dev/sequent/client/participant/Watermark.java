package dev.sequent.client.participant;

/**
 * What one participant has applied of its phase-2 stream, stored atomically with the fence rows
 * the calls wrote.
 *
 * @param appliedSeq every phase-2 call up to and including this seq is applied (0: none yet)
 * @param highestTerm the newest leader term seen on an accepted call; calls of older terms are
 *     refused (a deposed leader is fenced off)
 */
public record Watermark(long appliedSeq, long highestTerm) {

  /** A participant that has applied nothing and seen no leader. */
  public static final Watermark NONE = new Watermark(0, 0);

  public Watermark {
    if (appliedSeq < 0 || highestTerm < 0) {
      throw new IllegalArgumentException(
          "invalid watermark (appliedSeq " + appliedSeq + ", highestTerm " + highestTerm + ")");
    }
  }
}
