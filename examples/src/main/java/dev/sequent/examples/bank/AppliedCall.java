package dev.sequent.examples.bank;

import java.util.Objects;

/**
 * One phase-2 call an account service applied, as it recorded it in its own database, in the same
 * write as the money it moved.
 *
 * @param seq the participant sequence number the cluster gave the call
 * @param xid the transaction id
 * @param branchId the branch id
 * @param step CONFIRM or CANCEL
 * @param leg what the branch moved (for a cancel: what it would have)
 */
public record AppliedCall(long seq, String xid, String branchId, Step step, Leg leg) {

  /** The phase-2 step. */
  public enum Step {
    CONFIRM,
    CANCEL
  }

  public AppliedCall {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(leg, "leg");
    if (seq < 1) {
      throw new IllegalArgumentException("a phase-2 seq counts from 1, was " + seq);
    }
  }
}
