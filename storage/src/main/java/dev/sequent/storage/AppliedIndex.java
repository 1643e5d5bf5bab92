package dev.sequent.storage;

/**
 * The Raft (term, index) of the last log entry whose effects a store holds. It is written in the
 * same atomic batch as those effects, so state and position can never disagree after a crash.
 */
public record AppliedIndex(long term, long index) implements Comparable<AppliedIndex> {

  /** Nothing applied yet (Raft's own "no entry" position). */
  public static final AppliedIndex NONE = new AppliedIndex(0, -1);

  public AppliedIndex {
    if (term < 0 || index < -1) {
      throw new IllegalArgumentException("invalid applied index (" + term + ", " + index + ")");
    }
  }

  /**
   * Checks that next may follow this one: the applied index never goes backwards (an equal one is
   * allowed, e.g. a snapshot re-recording the last applied position).
   */
  void requireNotAfter(AppliedIndex next) {
    if (next.compareTo(this) < 0) {
      throw new IllegalArgumentException(
          "applied index would go backwards: " + this + " -> " + next);
    }
  }

  @Override
  public int compareTo(AppliedIndex other) {
    int byIndex = Long.compare(index, other.index);
    return byIndex != 0 ? byIndex : Long.compare(term, other.term);
  }
}
