package dev.sequent.coordinator.ingress;

import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.BranchView;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.proto.AnnounceEndpointRequest;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.BranchPhase2State;
import dev.sequent.protocol.proto.BranchSpec;
import dev.sequent.protocol.proto.DecideRequest;
import dev.sequent.protocol.proto.OperatorResolveRequest;
import dev.sequent.protocol.proto.RegisterBranchRequest;
import dev.sequent.protocol.proto.SimpleReply;
import dev.sequent.protocol.proto.TxnReply;
import dev.sequent.protocol.proto.TxnState;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates between wire messages and table commands and views. Only structure is checked here
 * (a decision must be named); ids, limits and state rules are the table's, so every node judges a
 * command the same way when it applies it.
 */
final class WireMapping {

  private WireMapping() {}

  /** A request whose fields cannot form a command; answered INVALID_ARGUMENT. */
  static final class InvalidRequest extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidRequest(String message) {
      super(message, null, false, false);
    }
  }

  static Command begin(BeginRequest request) {
    List<Branch> branches = new ArrayList<>(request.getBranchesCount());
    for (BranchSpec spec : request.getBranchesList()) {
      branches.add(branch(spec));
    }
    return new Command.Begin(request.getXid(), request.getTimeoutMs(), branches);
  }

  static Command register(RegisterBranchRequest request) throws InvalidRequest {
    if (!request.hasBranch()) {
      throw new InvalidRequest("register request without a branch");
    }
    return new Command.RegisterBranch(request.getXid(), branch(request.getBranch()));
  }

  static Command decide(DecideRequest request) throws InvalidRequest {
    Decision decision = switch (request.getDecision()) {
      case CONFIRM -> Decision.CONFIRM;
      case CANCEL -> Decision.CANCEL;
      default -> throw new InvalidRequest("decide request names no decision (CONFIRM or CANCEL)");
    };
    return new Command.Decide(request.getXid(), decision);
  }

  static Command announce(AnnounceEndpointRequest request) throws InvalidRequest {
    if (request.getPort() < 1 || request.getPort() > 65535) {
      throw new InvalidRequest("endpoint port " + request.getPort() + " is out of 1..65535");
    }
    return new Command.AnnounceEndpoint(request.getParticipant(), request.getHost(),
        request.getPort());
  }

  static Command resolve(OperatorResolveRequest request) {
    return new Command.OperatorResolve(request.getParticipant(), request.getSeq());
  }

  private static Branch branch(BranchSpec spec) {
    return new Branch(spec.getBranchId(), spec.getParticipant(), spec.getPayload().toByteArray());
  }

  /** The answer to a command that concerns no single transaction. */
  static SimpleReply simpleReply(CommandResult result) {
    return SimpleReply.newBuilder()
        .setOutcome(result.outcome().code())
        .setMessage(result.detail())
        .build();
  }

  static TxnReply reply(CommandResult result) {
    TxnReply.Builder reply = TxnReply.newBuilder()
        .setOutcome(result.outcome().code())
        .setMessage(result.detail());
    if (result.txn() != null) {
      reply.setTxn(view(result.txn()));
    }
    return reply.build();
  }

  static dev.sequent.protocol.proto.TxnView view(TxnView txn) {
    var view = dev.sequent.protocol.proto.TxnView.newBuilder()
        .setXid(txn.xid())
        .setState(state(txn.state()))
        .setBeganAtMs(txn.beganAtMs())
        .setDeadlineMs(txn.deadlineMs())
        .setExpired(txn.expired());
    for (BranchView branch : txn.branches()) {
      view.addBranches(dev.sequent.protocol.proto.BranchView.newBuilder()
          .setBranchId(branch.branchId())
          .setParticipant(branch.participant())
          .setSeq(branch.seq())
          .setPhase2State(phase2State(branch))
          .setPayloadBytes(branch.payloadBytes()));
    }
    return view.build();
  }

  private static TxnState state(dev.sequent.coordinator.table.TxnState state) {
    return switch (state) {
      case TRYING -> TxnState.TRYING;
      case CONFIRMING -> TxnState.CONFIRMING;
      case CONFIRMED -> TxnState.CONFIRMED;
      case CANCELLING -> TxnState.CANCELLING;
      case CANCELLED -> TxnState.CANCELLED;
    };
  }

  private static BranchPhase2State phase2State(BranchView branch) {
    return switch (branch.state()) {
      case NOT_DECIDED -> BranchPhase2State.NOT_DECIDED;
      case PENDING -> BranchPhase2State.PENDING;
      case ACKED -> BranchPhase2State.ACKED;
      case NEEDS_OPERATOR -> BranchPhase2State.NEEDS_OPERATOR;
      case RESOLVED_BY_OPERATOR -> BranchPhase2State.RESOLVED_BY_OPERATOR;
    };
  }
}
