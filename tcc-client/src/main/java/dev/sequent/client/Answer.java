package dev.sequent.client;

import com.google.protobuf.MessageLite;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.BranchView;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.MembershipReply;
import dev.sequent.protocol.proto.NodeAddress;
import dev.sequent.protocol.proto.NodeStatusReply;
import dev.sequent.protocol.proto.OperatorCallsReply;
import dev.sequent.protocol.proto.SimpleReply;
import dev.sequent.protocol.proto.SnapshotReply;
import dev.sequent.protocol.proto.TxnPageReply;
import dev.sequent.protocol.proto.TxnReply;
import dev.sequent.protocol.proto.TxnView;
import dev.sequent.protocol.wire.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's answer to an initiator's or operator's request, whichever reply message carried it.
 *
 * @param outcome the outcome
 * @param txn the transaction view, or null
 * @param message the node's explanation
 * @param leaderHost the leader a NOT_LEADER answer named, or null
 * @param leaderPort its port, valid when leaderHost is set
 * @param reply the reply message itself (an admin reply's body is read from it), or null when the
 *     client answered without asking a node
 */
record Answer(Outcome outcome, TxnView txn, String message, String leaderHost, int leaderPort,
    MessageLite reply) {

  /** An answer the client gives itself, without asking a node. */
  static Answer local(Outcome outcome, String message) {
    return new Answer(outcome, null, message, null, 0, null);
  }

  /** The answer in a reply, or null when the reply is not an answer to a request. */
  static Answer of(Envelope reply) {
    MessageLite body = reply.message();
    switch (reply.type()) {
      case TXN_REPLY: {
        TxnReply txnReply = (TxnReply) body;
        return new Answer(Outcome.fromCode(txnReply.getOutcome()),
            txnReply.hasTxn() ? txnReply.getTxn() : null, txnReply.getMessage(), null, 0, body);
      }
      case SIMPLE_REPLY: {
        SimpleReply simple = (SimpleReply) body;
        return plain(simple.getOutcome(), simple.getMessage(), body);
      }
      case ERROR_REPLY: {
        ErrorReply error = (ErrorReply) body;
        NodeAddress leader = error.getLeader();
        boolean hinted = error.hasLeader() && !leader.getHost().isBlank()
            && leader.getPort() > 0 && leader.getPort() <= 65_535;
        return new Answer(Outcome.fromCode(error.getOutcome()), null, error.getMessage(),
            hinted ? leader.getHost() : null, hinted ? leader.getPort() : 0, body);
      }
      case NODE_STATUS_REPLY: {
        NodeStatusReply status = (NodeStatusReply) body;
        return plain(status.getOutcome(), status.getMessage(), body);
      }
      case TXN_PAGE_REPLY: {
        TxnPageReply page = (TxnPageReply) body;
        return plain(page.getOutcome(), page.getMessage(), body);
      }
      case OPERATOR_CALLS_REPLY: {
        OperatorCallsReply page = (OperatorCallsReply) body;
        return plain(page.getOutcome(), page.getMessage(), body);
      }
      case SNAPSHOT_REPLY: {
        SnapshotReply snapshot = (SnapshotReply) body;
        return plain(snapshot.getOutcome(), snapshot.getMessage(), body);
      }
      case MEMBERSHIP_REPLY: {
        MembershipReply membership = (MembershipReply) body;
        return plain(membership.getOutcome(), membership.getMessage(), body);
      }
      default:
        return null;
    }
  }

  private static Answer plain(int outcome, String message, MessageLite body) {
    return new Answer(Outcome.fromCode(outcome), null, message, null, 0, body);
  }

  boolean hasLeaderHint() {
    return leaderHost != null;
  }

  /** One line for the attempt log: outcome, hint and message. */
  String describe() {
    StringBuilder line = new StringBuilder(outcome.name());
    if (hasLeaderHint()) {
      line.append(" (leader ").append(leaderHost).append(':').append(leaderPort).append(')');
    }
    if (!message.isEmpty()) {
      line.append(": ").append(message);
    }
    return line.toString();
  }

  TxnResult toResult() {
    return new TxnResult(outcome, txn == null ? null : snapshot(txn), message);
  }

  static TxnSnapshot snapshot(TxnView view) {
    List<BranchSnapshot> branches = new ArrayList<>(view.getBranchesCount());
    for (BranchView branch : view.getBranchesList()) {
      branches.add(new BranchSnapshot(branch.getBranchId(), branch.getParticipant(),
          branch.getSeq(), phase2State(branch), branch.getPayloadBytes()));
    }
    return new TxnSnapshot(view.getXid(), state(view), view.getBeganAtMs(), view.getDeadlineMs(),
        branches, view.getExpired());
  }

  private static TxnState state(TxnView view) {
    switch (view.getState()) {
      case TRYING:
        return TxnState.TRYING;
      case CONFIRMING:
        return TxnState.CONFIRMING;
      case CONFIRMED:
        return TxnState.CONFIRMED;
      case CANCELLING:
        return TxnState.CANCELLING;
      case CANCELLED:
        return TxnState.CANCELLED;
      default:
        return TxnState.UNKNOWN;
    }
  }

  private static Phase2State phase2State(BranchView branch) {
    switch (branch.getPhase2State()) {
      case NOT_DECIDED:
        return Phase2State.NOT_DECIDED;
      case PENDING:
        return Phase2State.PENDING;
      case ACKED:
        return Phase2State.ACKED;
      case NEEDS_OPERATOR:
        return Phase2State.NEEDS_OPERATOR;
      case RESOLVED_BY_OPERATOR:
        return Phase2State.RESOLVED_BY_OPERATOR;
      default:
        return Phase2State.UNKNOWN;
    }
  }
}
