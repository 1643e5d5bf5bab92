package dev.sequent.coordinator.table;

import java.util.Arrays;
import java.util.Objects;

/**
 * One participant's part of a txn as the initiator registers it. The payload is opaque to the
 * coordinator: it is handed back to the participant with the phase-2 call.
 *
 * <p>The payload is copied in and out, so a branch is a value: two branches are equal when their
 * ids, participants and payload bytes are equal, which is what idempotent begin and register
 * compare.
 */
public record Branch(String branchId, String participant, byte[] payload) {

  public Branch {
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(participant, "participant");
    payload = Objects.requireNonNull(payload, "payload").clone();
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload's size without copying it. */
  public int payloadBytes() {
    return payload.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Branch that
        && branchId.equals(that.branchId)
        && participant.equals(that.participant)
        && Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(branchId, participant, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "Branch[" + branchId + "@" + participant + ", " + payload.length + " bytes]";
  }
}
