package dev.sequent.chaos.checker;

import java.util.List;
import java.util.Objects;

/**
 * What one participant applied in phase two, read from its own database after healing.
 *
 * <p>{@code applied} is in the order the participant applied the calls. The bank's journal gives
 * that order for confirms and cancels; empty cancels and operator resolutions exist only as fence
 * rows, and the fence applies seqs one after another, so they belong at their seq's place among
 * the journal's entries. Sorting the whole list by seq would hide exactly the reordering the
 * checker looks for: keep the journal's own order.
 *
 * @param participant the participant id
 * @param applied the applied calls, in applied order
 * @param watermark the fence's applied seq, or {@link #UNKNOWN_WATERMARK}
 */
public record ParticipantLog(String participant, List<AppliedCall> applied, long watermark) {
  /** The watermark when the harness could not read it. */
  public static final long UNKNOWN_WATERMARK = -1;

  public ParticipantLog {
    Objects.requireNonNull(participant, "participant");
    applied = List.copyOf(applied);
    if (watermark < UNKNOWN_WATERMARK) {
      throw new IllegalArgumentException(participant + ": watermark " + watermark);
    }
  }
}
