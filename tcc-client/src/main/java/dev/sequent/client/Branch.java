package dev.sequent.client;

import com.google.protobuf.ByteString;
import dev.sequent.protocol.proto.BranchSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * One participant's part of a transaction, as the initiator registers it. Registering the same
 * branch id again with the same content is idempotent; with other content it is refused ({@code
 * BRANCH_CONFLICT}).
 *
 * @param branchId unique within the transaction
 * @param participant the participant service that runs this branch's confirm or cancel
 * @param payload opaque bytes handed to that participant's confirm or cancel (copied in and out)
 */
public record Branch(String branchId, String participant, byte[] payload) {

  public Branch {
    requireText(branchId, "branchId");
    requireText(participant, "participant");
    payload = Objects.requireNonNull(payload, "payload").clone();
  }

  /** A branch with an empty payload. */
  public static Branch of(String branchId, String participant) {
    return new Branch(branchId, participant, new byte[0]);
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Branch
        && branchId.equals(((Branch) other).branchId)
        && participant.equals(((Branch) other).participant)
        && Arrays.equals(payload, ((Branch) other).payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(branchId, participant, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "Branch[branchId=" + branchId + ", participant=" + participant + ", payload="
        + payload.length + " bytes]";
  }

  BranchSpec toSpec() {
    return BranchSpec.newBuilder()
        .setBranchId(branchId)
        .setParticipant(participant)
        .setPayload(ByteString.copyFrom(payload))
        .build();
  }

  static String requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
