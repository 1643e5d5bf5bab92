package dev.sequent.coordinator.table;

import java.util.Arrays;
import java.util.Objects;

/**
 * One phase-2 call not yet acknowledged, as the dispatcher reads it: which branch of which txn to
 * confirm or cancel at the participant, at which seq, and with which payload.
 *
 * @param state PENDING, NEEDS_OPERATOR or RESOLVED_BY_OPERATOR (a call stays listed until the
 *     participant's watermark passes it, so seqs above the watermark stay contiguous)
 */
public record Phase2Record(
    String participant,
    long seq,
    String xid,
    String branchId,
    Decision decision,
    BranchState state,
    byte[] payload) {

  public Phase2Record {
    Objects.requireNonNull(participant, "participant");
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(state, "state");
    payload = Objects.requireNonNull(payload, "payload").clone();
    if (seq <= 0) {
      throw new IllegalArgumentException("phase-2 seq must be positive: " + seq);
    }
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Phase2Record that
        && participant.equals(that.participant)
        && seq == that.seq
        && xid.equals(that.xid)
        && branchId.equals(that.branchId)
        && decision == that.decision
        && state == that.state
        && Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(participant, seq, xid, branchId, decision, state)
        * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Phase2Record[" + participant + "#" + seq + " " + decision + " " + xid + "/" + branchId
        + " " + state + ", " + payload.length + " bytes]";
  }
}
