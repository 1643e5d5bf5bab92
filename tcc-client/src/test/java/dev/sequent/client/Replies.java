package dev.sequent.client;

import com.google.protobuf.MessageLite;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.DecideRequest;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.NodeAddress;
import dev.sequent.protocol.proto.RegisterBranchRequest;
import dev.sequent.protocol.proto.StatusRequest;
import dev.sequent.protocol.proto.TxnReply;
import dev.sequent.protocol.proto.TxnState;
import dev.sequent.protocol.proto.TxnView;
import dev.sequent.protocol.wire.Envelope;
import java.net.InetSocketAddress;

/** Replies a fake node sends. */
final class Replies {
  private Replies() {}

  /** OK, with a TRYING view of the request's xid. */
  static TxnReply ok(Envelope request) {
    return txnReply(Outcome.OK, request);
  }

  /** A TxnReply with this outcome and a view of the request's xid. */
  static TxnReply txnReply(Outcome outcome, Envelope request) {
    return TxnReply.newBuilder()
        .setOutcome(outcome.code())
        .setTxn(TxnView.newBuilder().setXid(xidOf(request)).setState(TxnState.TRYING))
        .setMessage(outcome.name().toLowerCase())
        .build();
  }

  static ErrorReply error(Outcome outcome) {
    return ErrorReply.newBuilder().setOutcome(outcome.code()).setMessage("fake " + outcome).build();
  }

  static ErrorReply notLeader(InetSocketAddress leader) {
    return ErrorReply.newBuilder()
        .setOutcome(Outcome.NOT_LEADER.code())
        .setMessage("not the leader")
        .setLeader(NodeAddress.newBuilder().setNodeId("n")
            .setHost(leader.getHostString()).setPort(leader.getPort()))
        .build();
  }

  static String xidOf(Envelope request) {
    MessageLite message = request.message();
    if (message instanceof BeginRequest) {
      return ((BeginRequest) message).getXid();
    }
    if (message instanceof RegisterBranchRequest) {
      return ((RegisterBranchRequest) message).getXid();
    }
    if (message instanceof DecideRequest) {
      return ((DecideRequest) message).getXid();
    }
    if (message instanceof StatusRequest) {
      return ((StatusRequest) message).getXid();
    }
    throw new AssertionError("not an initiator request: " + request.type());
  }
}
