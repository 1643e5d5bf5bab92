package dev.sequent.client.participant;

import java.util.Objects;

/**
 * The fence row of one branch of one participant.
 *
 * @param xid the transaction id
 * @param branchId the branch id
 * @param state where the branch stands
 * @param seq the participant sequence number of the phase-2 call that set the state; 0 while the
 *     state comes from the try ({@link FenceState#TRIED}, {@link FenceState#TRY_FAILED})
 */
public record BranchFence(String xid, String branchId, FenceState state, long seq) {

  public BranchFence {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(state, "state");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative, was " + seq);
    }
  }
}
