package dev.sequent.client;

import java.util.Objects;

/**
 * A branch as the cluster holds it.
 *
 * @param branchId the branch id
 * @param participant the participant that runs its phase two
 * @param seq the participant sequence number of its phase-2 call; 0 until decided
 * @param phase2State where its phase-2 call stands
 * @param payloadBytes the size of its payload
 */
public record BranchSnapshot(
    String branchId, String participant, long seq, Phase2State phase2State, int payloadBytes) {

  public BranchSnapshot {
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(participant, "participant");
    Objects.requireNonNull(phase2State, "phase2State");
  }
}
