package dev.sequent.client.participant;

import com.google.protobuf.ByteString;
import dev.sequent.protocol.proto.Decision;
import dev.sequent.protocol.proto.Phase2Call;
import java.nio.charset.StandardCharsets;

/** Phase-2 calls as a leader would send them. */
final class Calls {
  private Calls() {}

  static Phase2Call confirm(String participant, long seq, long term, String xid) {
    return call(participant, seq, term, xid, Decision.CONFIRM);
  }

  static Phase2Call cancel(String participant, long seq, long term, String xid) {
    return call(participant, seq, term, xid, Decision.CANCEL);
  }

  /** The call an operator's resolution turns into: no decision needed, nothing runs. */
  static Phase2Call resolved(String participant, long seq, long term, String xid) {
    return call(participant, seq, term, xid, Decision.DECISION_UNSPECIFIED).toBuilder()
        .setOperatorResolved(true).build();
  }

  /** Branch id "b" of transaction xid, with a payload naming the xid. */
  static Phase2Call call(String participant, long seq, long term, String xid,
      Decision decision) {
    return Phase2Call.newBuilder()
        .setParticipant(participant)
        .setSeq(seq)
        .setTerm(term)
        .setXid(xid)
        .setBranchId("b")
        .setDecision(decision)
        .setPayload(ByteString.copyFrom(xid, StandardCharsets.US_ASCII))
        .build();
  }
}
