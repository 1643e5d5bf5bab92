package dev.sequent.coordinator.table;

import java.util.Objects;

/**
 * A participant's cumulative ack: it has applied every phase-2 call up to and including appliedSeq.
 * Cumulative because a participant applies its calls strictly in seq order.
 */
public record Ack(String participant, long appliedSeq) {

  public Ack {
    Objects.requireNonNull(participant, "participant");
  }
}
