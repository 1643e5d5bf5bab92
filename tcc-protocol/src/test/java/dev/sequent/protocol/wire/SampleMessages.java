package dev.sequent.protocol.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.BranchPhase2State;
import dev.sequent.protocol.proto.BranchSpec;
import dev.sequent.protocol.proto.BranchView;
import dev.sequent.protocol.proto.DecideRequest;
import dev.sequent.protocol.proto.Decision;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.ListNeedsOperatorRequest;
import dev.sequent.protocol.proto.ListTxnsRequest;
import dev.sequent.protocol.proto.Member;
import dev.sequent.protocol.proto.MembershipReply;
import dev.sequent.protocol.proto.NodeAddress;
import dev.sequent.protocol.proto.NodeRole;
import dev.sequent.protocol.proto.NodeStatusReply;
import dev.sequent.protocol.proto.NodeStatusRequest;
import dev.sequent.protocol.proto.OperatorCall;
import dev.sequent.protocol.proto.OperatorCallsReply;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.proto.RegisterBranchRequest;
import dev.sequent.protocol.proto.ReplaceMemberRequest;
import dev.sequent.protocol.proto.SnapshotReply;
import dev.sequent.protocol.proto.StatusRequest;
import dev.sequent.protocol.proto.TriggerSnapshotRequest;
import dev.sequent.protocol.proto.TxnPageReply;
import dev.sequent.protocol.proto.TxnReply;
import dev.sequent.protocol.proto.TxnState;
import dev.sequent.protocol.proto.TxnView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** One filled-in message per type, and raw frames built by hand (not by the code under test). */
final class SampleMessages {
  private SampleMessages() {}

  static MessageLite sample(MessageType type) {
    BranchSpec branch = BranchSpec.newBuilder()
        .setBranchId("b-1").setParticipant("accounts").setPayload(ByteString.copyFromUtf8("{}"))
        .build();
    switch (type) {
      case BEGIN_REQUEST:
        return BeginRequest.newBuilder().setXid("x-1").setTimeoutMs(30_000).addBranches(branch)
            .build();
      case REGISTER_BRANCH_REQUEST:
        return RegisterBranchRequest.newBuilder().setXid("x-1").setBranch(branch).build();
      case DECIDE_REQUEST:
        return DecideRequest.newBuilder().setXid("x-1").setDecision(Decision.CANCEL).build();
      case STATUS_REQUEST:
        return StatusRequest.newBuilder().setXid("x-1").build();
      case TXN_REPLY:
        return TxnReply.newBuilder().setOutcome(Outcome.OK.code()).setTxn(txnView()).build();
      case ERROR_REPLY:
        return ErrorReply.newBuilder().setOutcome(Outcome.NOT_LEADER.code()).setMessage("go there")
            .setLeader(NodeAddress.newBuilder().setNodeId("n2").setHost("10.0.0.2").setPort(7000))
            .build();
      case PHASE2_CALL:
        return Phase2Call.newBuilder().setParticipant("accounts").setSeq(7).setTerm(3).setXid("x-1")
            .setBranchId("b-1").setDecision(Decision.CONFIRM)
            .setPayload(ByteString.copyFrom(new byte[] {0, -1, 127})).build();
      case PHASE2_ACK:
        return Phase2Ack.newBuilder().setParticipant("accounts").setSeq(7).setAppliedSeq(7)
            .setTerm(3).setOutcome(Outcome.OK.code()).build();
      case TRY_REQUEST:
        return dev.sequent.protocol.proto.TryRequest.newBuilder().setXid("x-1")
            .setBranchId("b-1").setParticipant("accounts")
            .setPayload(com.google.protobuf.ByteString.copyFromUtf8("-100")).build();
      case TRY_REPLY:
        return dev.sequent.protocol.proto.TryReply.newBuilder()
            .setOutcome(Outcome.TRY_FAILED.code()).setMessage("insufficient funds").build();
      case ANNOUNCE_ENDPOINT_REQUEST:
        return dev.sequent.protocol.proto.AnnounceEndpointRequest.newBuilder()
            .setParticipant("accounts").setHost("127.0.0.1").setPort(9100).build();
      case OPERATOR_RESOLVE_REQUEST:
        return dev.sequent.protocol.proto.OperatorResolveRequest.newBuilder()
            .setParticipant("accounts").setSeq(7).build();
      case SIMPLE_REPLY:
        return dev.sequent.protocol.proto.SimpleReply.newBuilder()
            .setOutcome(Outcome.OK.code()).build();
      default:
        return adminSample(type);
    }
  }

  /** The admin messages: requests of operators and the replies only they get. */
  private static MessageLite adminSample(MessageType type) {
    switch (type) {
      case NODE_STATUS_REQUEST:
        return NodeStatusRequest.getDefaultInstance();
      case NODE_STATUS_REPLY:
        return NodeStatusReply.newBuilder().setOutcome(Outcome.OK.code()).setNodeId("n1")
            .setRole(NodeRole.FOLLOWER).setLeaderId("n2").setTerm(4).setAppliedIndex(1_234)
            .setCommitIndex(1_235).setLogStartIndex(-1).setSnapshotIndex(1_000)
            .addMembers(member("n1", 7001, 9001)).addMembers(member("n2", 7002, 0))
            .setMembershipChanging(true).build();
      case LIST_TXNS_REQUEST:
        return ListTxnsRequest.newBuilder().setState(TxnState.CONFIRMING).setAfterXid("x-0")
            .setLimit(50).build();
      case TXN_PAGE_REPLY:
        return TxnPageReply.newBuilder().setOutcome(Outcome.OK.code()).addTxns(txnView())
            .setNextAfterXid("x-1").build();
      case LIST_NEEDS_OPERATOR_REQUEST:
        return ListNeedsOperatorRequest.newBuilder().setAfterParticipant("accounts")
            .setAfterSeq(6).setLimit(10).build();
      case OPERATOR_CALLS_REPLY:
        return OperatorCallsReply.newBuilder().setOutcome(Outcome.OK.code())
            .addCalls(OperatorCall.newBuilder().setParticipant("accounts").setSeq(7)
                .setXid("x-1").setBranchId("b-1").setDecision(Decision.CONFIRM))
            .setNextAfterParticipant("accounts").setNextAfterSeq(7).build();
      case TRIGGER_SNAPSHOT_REQUEST:
        return TriggerSnapshotRequest.getDefaultInstance();
      case SNAPSHOT_REPLY:
        return SnapshotReply.newBuilder().setOutcome(Outcome.OK.code()).setNodeId("n3")
            .setSnapshotIndex(4_096).build();
      case REPLACE_MEMBER_REQUEST:
        return ReplaceMemberRequest.newBuilder().setOldNodeId("n3")
            .setNewMember(member("n4", 7004, 9004)).build();
      case MEMBERSHIP_REPLY:
        return MembershipReply.newBuilder().setOutcome(Outcome.OK.code())
            .addMembers(member("n1", 7001, 9001)).addMembers(member("n4", 7004, 9004)).build();
      default:
        throw new AssertionError("no sample for " + type);
    }
  }

  private static Member member(String id, int raftPort, int clientPort) {
    return Member.newBuilder().setNodeId(id).setHost("10.0.0." + id.substring(1))
        .setRaftPort(raftPort).setClientPort(clientPort).build();
  }

  static TxnView txnView() {
    return TxnView.newBuilder().setXid("x-1").setState(TxnState.CONFIRMING).setBeganAtMs(1_000)
        .setDeadlineMs(31_000)
        .addBranches(BranchView.newBuilder().setBranchId("b-1").setParticipant("accounts")
            .setSeq(7).setPhase2State(BranchPhase2State.PENDING).setPayloadBytes(2))
        .build();
  }

  /** A frame written byte by byte from the documented layout. */
  static ByteBuf rawFrame(long length, int version, int typeCode, long requestId, byte[] body) {
    ByteBuf buf = Unpooled.buffer();
    buf.writeInt((int) length);
    buf.writeByte(version);
    buf.writeByte(typeCode);
    buf.writeLong(requestId);
    buf.writeBytes(body);
    return buf;
  }

  /** A correct frame for this message, built by hand. */
  static ByteBuf rawFrame(MessageType type, long requestId, MessageLite message) {
    byte[] body = message.toByteArray();
    return rawFrame(WireFormat.HEADER_BYTES + body.length, WireFormat.VERSION, type.code(),
        requestId, body);
  }
}
