package dev.sequent.client.participant;

import dev.sequent.client.Decision;
import dev.sequent.protocol.Outcome;
import java.util.Objects;

/**
 * The fence's decisions, as pure functions: the stored state of a branch and of its participant in,
 * what to do out. No I/O, no clock, no randomness, no threads, so a deterministic simulator can
 * drive them and every rule is a plain unit test.
 *
 * <p>The caller ({@link Fence}) reads the state inside one local transaction of a fence store,
 * asks these rules, runs the resource when told to, writes what the step says, and commits. The
 * order of checks for a phase-2 call is the order of the rules in DESIGN.md: a stale term is
 * refused first (even for a seq already applied: a deposed leader is told so), then an applied seq
 * is a duplicate, then a gap is refused, and only the next seq is applied.
 */
final class FenceRules {
  /** Longest xid, as the coordinator's hard ceiling: printable ASCII, so characters = bytes. */
  static final int XID_CHARS_MAX = 1024;
  /** Longest branch id or participant name, as the coordinator's hard ceiling. */
  static final int ID_CHARS_MAX = 255;

  private FenceRules() {}

  /** What a try does. */
  enum TryAction {
    /** Claim the branch as TRIED, run onTry; on failure keep the claim as TRY_FAILED. */
    RUN,
    /** Answer without running anything (a duplicate, or a refusal). */
    ANSWER
  }

  /** The rules' answer to a try. */
  record TryStep(TryAction action, Outcome outcome, String message) {}

  /** What a phase-2 call does. */
  enum Phase2Action {
    /** Refuse: nothing is applied; the watermark may still record a newer term. */
    REJECT,
    /** Already applied: answer OK again; the watermark may still record a newer term. */
    DUPLICATE,
    /** Apply without calling the resource: write the row (if any) and the watermark. */
    RECORD,
    /** Run onConfirm, then write the row and the watermark. */
    RUN_CONFIRM,
    /** Run onCancel (telling it whether the try failed), then write the row and the watermark. */
    RUN_CANCEL
  }

  /**
   * One phase-2 call, as the rules need it.
   *
   * @param decision CONFIRM or CANCEL; null when the call carries none (refused, unless the call
   *     is operator-resolved, which needs none)
   */
  record Phase2Input(String xid, String branchId, long seq, long term, Decision decision,
      boolean operatorResolved) {}

  /**
   * The rules' answer to a phase-2 call.
   *
   * @param row the fence row to write, or null to leave it
   * @param watermark the watermark to write, or null to leave it
   * @param tryFailed for RUN_CANCEL: the branch's try had failed
   */
  record Phase2Step(Phase2Action action, Outcome outcome, String message, BranchFence row,
      Watermark watermark, boolean tryFailed) {

    /** The applied seq after this step, given the one before. */
    long appliedSeqAfter(Watermark before) {
      return watermark == null ? before.appliedSeq() : watermark.appliedSeq();
    }
  }

  /** The answer to a try of a branch whose fence row is {@code existing} (null: none). */
  static TryStep onTry(BranchFence existing) {
    if (existing == null) {
      return new TryStep(TryAction.RUN, Outcome.OK, "");
    }
    switch (existing.state()) {
      case TRIED:
      case CONFIRMED:
        // The try already succeeded: a duplicate (a retry of the initiator) gets the same answer.
        return new TryStep(TryAction.ANSWER, Outcome.OK, "duplicate try: already tried");
      case TRY_FAILED:
        // Same answer as the first time; running it again could leave a second set of effects.
        return new TryStep(TryAction.ANSWER, Outcome.TRY_FAILED, "duplicate try: it had failed");
      case CANCELLED:
      case CANCELLED_EMPTY:
      case RESOLVED_BY_OPERATOR:
        // Anti-suspension: a try after its branch's phase two would reserve effects forever.
        return new TryStep(TryAction.ANSWER, Outcome.TRY_AFTER_CANCEL,
            "the branch was already " + existing.state());
      default:
        throw new AssertionError("unknown fence state " + existing.state());
    }
  }

  /**
   * The answer to phase-2 call {@code call} of a participant at {@code current}, for a branch whose
   * fence row is {@code existing} (null: none).
   */
  static Phase2Step onPhase2(Watermark current, BranchFence existing, Phase2Input call) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(call, "call");
    if (call.seq() < 1) {
      return reject(Outcome.INVALID_ARGUMENT, "seq counts from 1, was " + call.seq(), null);
    }
    if (call.term() < current.highestTerm()) {
      return reject(Outcome.STALE_TERM, "term " + call.term() + " is older than term "
          + current.highestTerm() + " already seen", null);
    }
    // From here on the call's term is accepted; record it when it is newer, whatever happens.
    Watermark termSeen = call.term() > current.highestTerm()
        ? new Watermark(current.appliedSeq(), call.term()) : null;
    if (call.seq() <= current.appliedSeq()) {
      return new Phase2Step(Phase2Action.DUPLICATE, Outcome.OK,
          "duplicate: seq " + call.seq() + " already applied", null, termSeen, false);
    }
    if (call.seq() > current.appliedSeq() + 1) {
      return reject(Outcome.SEQ_GAP, "seq " + call.seq() + " arrived before seq "
          + (current.appliedSeq() + 1), termSeen);
    }
    Watermark advanced = new Watermark(call.seq(), Math.max(call.term(), current.highestTerm()));
    if (call.operatorResolved()) {
      return new Phase2Step(Phase2Action.RECORD, Outcome.OK, "resolved by an operator",
          row(call, FenceState.RESOLVED_BY_OPERATOR), advanced, false);
    }
    if (call.decision() == null) {
      return reject(Outcome.INVALID_ARGUMENT, "the call carries no decision", termSeen);
    }
    return call.decision() == Decision.CONFIRM
        ? onConfirm(existing, call, advanced, termSeen)
        : onCancel(existing, call, advanced, termSeen);
  }

  private static Phase2Step onConfirm(BranchFence existing, Phase2Input call, Watermark advanced,
      Watermark termSeen) {
    if (existing == null) {
      return reject(Outcome.CONFIRM_WITHOUT_TRY, "confirm of a branch that never tried",
          termSeen);
    }
    switch (existing.state()) {
      case TRIED:
        return new Phase2Step(Phase2Action.RUN_CONFIRM, Outcome.OK, "",
            row(call, FenceState.CONFIRMED), advanced, false);
      case TRY_FAILED:
        return reject(Outcome.CONFIRM_WITHOUT_TRY, "confirm of a branch whose try failed",
            termSeen);
      case CONFIRMED:
      case RESOLVED_BY_OPERATOR:
        // The branch's phase two already happened under another seq: advance, run nothing.
        return new Phase2Step(Phase2Action.RECORD, Outcome.OK,
            "the branch was already " + existing.state(), null, advanced, false);
      case CANCELLED:
      case CANCELLED_EMPTY:
        return reject(Outcome.DECISION_CONFLICT, "confirm of a branch that was already "
            + existing.state(), termSeen);
      default:
        throw new AssertionError("unknown fence state " + existing.state());
    }
  }

  private static Phase2Step onCancel(BranchFence existing, Phase2Input call, Watermark advanced,
      Watermark termSeen) {
    if (existing == null) {
      // Empty cancel: nothing to undo; the row makes a late try refuse (anti-suspension).
      return new Phase2Step(Phase2Action.RECORD, Outcome.OK, "empty cancel: the branch never tried",
          row(call, FenceState.CANCELLED_EMPTY), advanced, false);
    }
    switch (existing.state()) {
      case TRIED:
      case TRY_FAILED:
        // A failed try may have left effects outside its local transaction: onCancel runs too.
        return new Phase2Step(Phase2Action.RUN_CANCEL, Outcome.OK, "",
            row(call, FenceState.CANCELLED), advanced,
            existing.state() == FenceState.TRY_FAILED);
      case CANCELLED:
      case CANCELLED_EMPTY:
      case RESOLVED_BY_OPERATOR:
        return new Phase2Step(Phase2Action.RECORD, Outcome.OK,
            "the branch was already " + existing.state(), null, advanced, false);
      case CONFIRMED:
        return reject(Outcome.DECISION_CONFLICT, "cancel of a branch that was already CONFIRMED",
            termSeen);
      default:
        throw new AssertionError("unknown fence state " + existing.state());
    }
  }

  private static Phase2Step reject(Outcome outcome, String message, Watermark termSeen) {
    return new Phase2Step(Phase2Action.REJECT, outcome, message, null, termSeen, false);
  }

  private static BranchFence row(Phase2Input call, FenceState state) {
    return new BranchFence(call.xid(), call.branchId(), state, call.seq());
  }

  /**
   * Null when {@code id} is a valid id (1 to {@code charsMax} characters of printable, non-space
   * ASCII, the coordinator's rule), otherwise why not.
   */
  static String idProblem(String what, String id, int charsMax) {
    if (id == null || id.isEmpty()) {
      return what + " is empty";
    }
    if (id.length() > charsMax) {
      return what + " is longer than " + charsMax + " characters";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return what + " has a character outside printable ASCII at index " + i;
      }
    }
    return null;
  }

  /** Null when the ids of a branch are valid, otherwise the first problem. */
  static String branchProblem(String participant, String xid, String branchId) {
    String problem = idProblem("participant", participant, ID_CHARS_MAX);
    if (problem == null) {
      problem = idProblem("xid", xid, XID_CHARS_MAX);
    }
    if (problem == null) {
      problem = idProblem("branchId", branchId, ID_CHARS_MAX);
    }
    return problem;
  }
}
