package dev.sequent.chaos.checker;

import java.util.Objects;

/**
 * One phase-2 call a participant applied, as its own records show it.
 *
 * @param xid the transaction id
 * @param branchId the branch id
 * @param seq the participant sequence number the cluster gave the call
 * @param step what the participant did
 */
public record AppliedCall(String xid, String branchId, long seq, Step step) {

  /** What applying the call did at the participant. */
  public enum Step {
    /** Ran the confirm (the bank's journal). */
    CONFIRM,
    /** Ran the cancel after a try (the bank's journal). */
    CANCEL,
    /** Recorded a cancel that came without a try; nothing ran (the fence row only). */
    EMPTY_CANCEL,
    /** Recorded an operator's resolution; nothing ran (the fence row only). */
    RESOLVED;

    /** True when the step is the branch's cancel, empty or not. */
    boolean cancels() {
      return this == CANCEL || this == EMPTY_CANCEL;
    }
  }

  public AppliedCall {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(step, "step");
    if (seq < 1) {
      throw new IllegalArgumentException("a phase-2 seq counts from 1, was " + seq);
    }
  }

  @Override
  public String toString() {
    return step + " " + xid + "/" + branchId + " seq " + seq;
  }
}
