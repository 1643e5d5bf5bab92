package dev.sequent.coordinator.table;

import static dev.sequent.protocol.Outcome.BATCH_TOO_LARGE;
import static dev.sequent.protocol.Outcome.INVALID_ARGUMENT;
import static dev.sequent.protocol.Outcome.PHASE2_CALL_NOT_FOUND;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies the phase-two commands: acks, the operator's view of calls delivery gave up on, and
 * participants' endpoint announcements.
 *
 * <p>Operator semantics. Strict per-participant order is never broken, and the watermark moves
 * only by the participant's own acks, because only the participant knows what it applied:
 *
 * <ul>
 *   <li>{@code MarkNeedsOperator(participant, seq)}: the leader's dispatcher gave up on the call
 *       after its attempt limit. A PENDING call becomes NEEDS_OPERATOR; the dispatcher sends none
 *       of the participant's calls from then on (the call is at the head of its stream), and the
 *       txn stays in progress. Marking again, or marking a call already resolved, changes nothing.
 *   <li>{@code OperatorResolve(participant, seq)}: an operator settled the branch by hand. A
 *       PENDING or NEEDS_OPERATOR call becomes RESOLVED_BY_OPERATOR, which counts towards its
 *       txn's completion like an ack (the txn may become final at once). The call stays listed as
 *       pending (state RESOLVED_BY_OPERATOR) until the participant's acks pass it: the participant
 *       still has to receive that seq, flagged {@code operator_resolved}, so it advances its
 *       applied seq without calling its resource, before it gets any later seq.
 *   <li>An ack at or past a NEEDS_OPERATOR call makes it ACKED (the participant applied it after
 *       all, say through an earlier leader's resend); an ack past a RESOLVED_BY_OPERATOR call
 *       leaves it RESOLVED_BY_OPERATOR: a done branch never changes again.
 *   <li>Either command naming a seq below 1 is INVALID_ARGUMENT; one naming a seq never assigned
 *       to the participant is PHASE2_CALL_NOT_FOUND; one naming an acknowledged call is OK and
 *       changes nothing (the ack won the race).
 * </ul>
 *
 * <p>So seqs above a watermark always stay contiguous in the phase-2 keyspace, and a new leader
 * finds every call it must still deliver by reading from the watermark.
 */
final class Phase2Applier {

  private final TableLimits limits;
  private final StagedTable table;
  private final Consumer<TxnChange> changes;

  Phase2Applier(TableLimits limits, StagedTable table, Consumer<TxnChange> changes) {
    this.limits = limits;
    this.table = table;
    this.changes = changes;
  }

  /**
   * Advances each named participant's watermark to its applied seq, marking every call in (old
   * watermark, applied seq] ACKED (NEEDS_OPERATOR calls included). The whole command is refused
   * when it is too large (BATCH_TOO_LARGE) or names an invalid participant (INVALID_ARGUMENT);
   * otherwise each ack is applied in order. An ack at or below the watermark is a duplicate and
   * changes nothing. An ack beyond the last seq ever assigned is IGNORED (not
   * clamped): a participant cannot have applied a call that was never assigned, so such an ack
   * proves its fence belongs to another history, and trusting any part of it could mark a call
   * ACKED that it never saw; the calls stay pending, visible, and reach an operator if need be.
   */
  CommandResult recordAcks(Command.RecordAcks command) {
    if (command.acks().size() > limits.ackBatchMax()) {
      return CommandResult.refused(
          BATCH_TOO_LARGE, "more than " + limits.ackBatchMax() + " acks in one command");
    }
    for (Ack ack : command.acks()) {
      String problem = Ids.problem("participant", ack.participant(), limits.idBytesMax());
      if (problem != null) {
        return CommandResult.refused(INVALID_ARGUMENT, problem);
      }
    }
    long acked = 0;
    int ignored = 0;
    for (Ack ack : command.acks()) {
      ParticipantRecord counters = table.participant(ack.participant());
      if (ack.appliedSeq() <= counters.watermark()) {
        continue;
      }
      if (ack.appliedSeq() > counters.lastSeq()) {
        ignored++;
        continue;
      }
      acked += ackRange(ack.participant(), counters, ack.appliedSeq());
    }
    String detail = "acked " + acked + " calls"
        + (ignored == 0 ? "" : "; ignored " + ignored + " acks beyond the last assigned seq");
    return CommandResult.ok(detail);
  }

  private long ackRange(String participant, ParticipantRecord counters, long appliedSeq) {
    long from = counters.watermark() + 1;
    long expected = appliedSeq - counters.watermark();
    // Collect first, change after: the scan must not see its own deletions.
    List<Map.Entry<Long, Phase2Ref>> calls =
        table.phase2Range(participant, from, appliedSeq + 1, Integer.MAX_VALUE);
    if (calls.size() != expected) {
      throw new IllegalStateException("participant " + participant + " should have " + expected
          + " unacknowledged calls in [" + from + ", " + appliedSeq + "], has " + calls.size());
    }
    for (Map.Entry<Long, Phase2Ref> call : calls) {
      long seq = call.getKey();
      if (seq != from++) {
        throw new IllegalStateException("phase-2 seqs of " + participant + " have a gap at " + seq);
      }
      Located located = locate(participant, seq, call.getValue());
      BranchState state = located.branch().state();
      switch (state) {
        case PENDING, NEEDS_OPERATOR ->
            putBranchState(located.txn(), located.index(), BranchState.ACKED);
        case RESOLVED_BY_OPERATOR -> { }
        default -> throw new IllegalStateException(
            "unacknowledged call " + participant + "#" + seq + " has branch state " + state);
      }
      table.deletePhase2(participant, seq);
    }
    table.putParticipant(participant, counters.withWatermark(appliedSeq));
    return expected;
  }

  /** Marks a pending call as given up by the dispatcher; repeats and late marks change nothing. */
  CommandResult markNeedsOperator(Command.MarkNeedsOperator command) {
    return operatorStep(command.participant(), command.seq(), BranchState.NEEDS_OPERATOR);
  }

  /** Records that an operator resolved a call; counts towards the txn's completion. */
  CommandResult operatorResolve(Command.OperatorResolve command) {
    return operatorStep(command.participant(), command.seq(), BranchState.RESOLVED_BY_OPERATOR);
  }

  /**
   * Checks, in order: the participant name (INVALID_ARGUMENT); the seq is at least 1
   * (INVALID_ARGUMENT); the seq was assigned (else PHASE2_CALL_NOT_FOUND); the call is still
   * unacknowledged (else OK without a txn: the ack won the race). Then moves the branch to target
   * unless it is already there or beyond.
   */
  private CommandResult operatorStep(String participant, long seq, BranchState target) {
    String problem = Ids.problem("participant", participant, limits.idBytesMax());
    if (problem != null) {
      return CommandResult.refused(INVALID_ARGUMENT, problem);
    }
    ParticipantRecord counters = table.participant(participant);
    if (seq < 1) {
      return CommandResult.refused(INVALID_ARGUMENT, "seqs start at 1, not " + seq);
    }
    if (seq > counters.lastSeq()) {
      return CommandResult.refused(PHASE2_CALL_NOT_FOUND,
          "no phase-2 call " + participant + "#" + seq + " was ever assigned");
    }
    if (seq <= counters.watermark()) {
      return CommandResult.ok("call " + participant + "#" + seq + " is already acknowledged");
    }
    Phase2Ref call = table.phase2(participant, seq);
    if (call == null) {
      throw new IllegalStateException("unacknowledged call " + participant + "#" + seq
          + " has no phase-2 record");
    }
    Located located = locate(participant, seq, call);
    BranchState state = located.branch().state();
    TxnRecord txn = located.txn();
    boolean moves = switch (state) {
      case PENDING -> true;
      case NEEDS_OPERATOR -> target == BranchState.RESOLVED_BY_OPERATOR;
      case RESOLVED_BY_OPERATOR -> false;
      case NOT_DECIDED, ACKED -> throw new IllegalStateException(
          "unacknowledged call " + participant + "#" + seq + " has branch state " + state);
    };
    if (moves) {
      txn = putBranchState(txn, located.index(), target);
    }
    return CommandResult.ok(txn.toView());
  }

  /** Moves one open branch on; the move that closes the txn's last open branch finishes it. */
  private TxnRecord putBranchState(TxnRecord txn, int index, BranchState target) {
    TxnRecord moved = txn.withBranchState(index, target);
    table.putTxn(moved);
    if (moved.state().isFinal()) {
      changes.accept(TxnChange.of(TxnChange.Kind.FINISHED, moved));
    }
    return moved;
  }

  /**
   * Records the participant's endpoint. Checks, in order: the participant name, the host, the
   * port (each INVALID_ARGUMENT). The latest announcement wins; the same endpoint again is OK and
   * writes nothing, so retries leave the store as it was.
   */
  CommandResult announceEndpoint(Command.AnnounceEndpoint command) {
    String problem = Ids.problem("participant", command.participant(), limits.idBytesMax());
    if (problem == null) {
      problem = Endpoint.problem(command.host(), command.port());
    }
    if (problem != null) {
      return CommandResult.refused(INVALID_ARGUMENT, problem);
    }
    Endpoint endpoint = new Endpoint(command.host(), command.port());
    if (endpoint.equals(table.endpoint(command.participant()))) {
      return CommandResult.ok("endpoint of " + command.participant() + " unchanged: " + endpoint);
    }
    table.putEndpoint(command.participant(), endpoint);
    return CommandResult.ok("endpoint of " + command.participant() + " is " + endpoint);
  }

  private record Located(TxnRecord txn, int index, BranchRecord branch) {}

  /** The branch a phase-2 record points at, checked to point back at (participant, seq). */
  private Located locate(String participant, long seq, Phase2Ref call) {
    TxnRecord txn = table.requireTxn(call.xid(), "call " + participant + "#" + seq + " names it");
    int index = txn.indexOf(call.branchId());
    BranchRecord branch = index < 0 ? null : txn.branches().get(index);
    if (branch == null
        || branch.seq() != seq
        || !branch.branch().participant().equals(participant)
        || txn.state().decision() != call.decision()) {
      throw new IllegalStateException("call " + participant + "#" + seq
          + " and txn " + call.xid() + " disagree");
    }
    return new Located(txn, index, branch);
  }
}
