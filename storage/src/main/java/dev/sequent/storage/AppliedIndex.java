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

  @Override
  public int compareTo(AppliedIndex other) {
    int byIndex = Long.compare(index, other.index);
    return byIndex != 0 ? byIndex : Long.compare(term, other.term);
  }
}
