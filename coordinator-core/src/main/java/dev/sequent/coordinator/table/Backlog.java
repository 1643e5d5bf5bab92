package dev.sequent.coordinator.table;

import java.util.Objects;

/**
 * A participant with phase-2 calls not yet acknowledged: the calls in (watermark, lastSeq].
 *
 * @param watermark the highest seq the participant acknowledged (replicated), 0 when none
 * @param lastSeq the last seq assigned to it, above the watermark
 */
public record Backlog(String participant, long watermark, long lastSeq) {

  public Backlog {
    Objects.requireNonNull(participant, "participant");
    if (watermark < 0 || lastSeq <= watermark) {
      throw new IllegalArgumentException(
          "a backlog needs 0 <= watermark < lastSeq: " + watermark + ", " + lastSeq);
    }
  }

  /** How many calls wait for the participant's ack: lastSeq - watermark. */
  public long calls() {
    return lastSeq - watermark;
  }
}
