package dev.sequent.coordinator.table;

import java.util.Objects;

/**
 * A branch as the table holds it, without its payload (replies stay small).
 *
 * @param seq the participant sequence number of the branch's phase-2 call; 0 until decided
 */
public record BranchView(
    String branchId, String participant, long seq, BranchState state, int payloadBytes) {

  public BranchView {
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(participant, "participant");
    Objects.requireNonNull(state, "state");
    if (seq < 0 || payloadBytes < 0) {
      throw new IllegalArgumentException("negative seq or payload size in " + branchId);
    }
  }
}
