package dev.sequent.client.participant;

import dev.sequent.client.Decision;
import dev.sequent.client.TryResult;
import dev.sequent.client.participant.FenceRules.Phase2Action;
import dev.sequent.client.participant.FenceRules.Phase2Input;
import dev.sequent.client.participant.FenceRules.Phase2Step;
import dev.sequent.client.participant.FenceRules.TryAction;
import dev.sequent.client.participant.FenceRules.TryStep;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's fence at work: reads the branch in a local transaction of its store, asks
 * {@link FenceRules}, runs the resource when the rules say so, writes what they say, commits.
 *
 * <p>Thread-safe as far as the store is (the store serialises what must be serialised). It does
 * not order phase-2 calls itself: the rules refuse anything but the next seq, and the endpoint
 * feeds one participant's calls from one thread in arrival order.
 *
 * <p>Crash semantics, step by step (a crash is the process dying, or the transaction failing):
 * before commit nothing of the call is kept (JDBC: business change, fence row and watermark roll
 * back together), so the leader resends and the call applies once; after commit the call is a
 * duplicate when it comes again. A try that crashes before commit leaves no row, as if it never
 * ran; its cancel is then an empty cancel.
 */
public final class Fence {
  private static final Logger log = LoggerFactory.getLogger(Fence.class);

  /** Messages from resources' exceptions are cut to this, so replies stay small. */
  static final int MESSAGE_CHARS_MAX = 256;

  private final String participant;
  private final TccResource resource;
  private final FenceBackend store;

  /**
   * The fence of participant over store: what an endpoint runs for it, and what a deterministic
   * simulator drives directly (no endpoint, no threads).
   */
  public Fence(String participant, TccResource resource, FenceStore store) {
    this(participant, resource, FenceBackend.of(Objects.requireNonNull(store, "store")));
  }

  Fence(String participant, TccResource resource, FenceBackend store) {
    String problem = FenceRules.idProblem("participant", participant, FenceRules.ID_CHARS_MAX);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.participant = participant;
    this.resource = Objects.requireNonNull(resource, "resource");
    this.store = Objects.requireNonNull(store, "store");
  }

  public String participant() {
    return participant;
  }

  /**
   * Runs the fenced try of a branch. Never throws: a failure of the store answers UNAVAILABLE
   * (transient: the initiator may retry, the fence makes that safe).
   */
  public TryResult tryBranch(String xid, String branchId, byte[] payload) {
    String problem = FenceRules.branchProblem(participant, xid, branchId);
    if (problem != null) {
      return new TryResult(Outcome.INVALID_ARGUMENT, problem);
    }
    try {
      return store.inTransaction(participant, xid, branchId, false,
          tx -> tryIn(tx, xid, branchId, payload));
    } catch (Exception e) {
      log.warn("try of {} xid={} branch={}: the fence store failed", participant, xid, branchId,
          e);
      return new TryResult(Outcome.UNAVAILABLE, "the fence store failed: " + describe(e));
    }
  }

  private TryResult tryIn(FenceTransaction tx, String xid, String branchId, byte[] payload)
      throws Exception {
    TryStep step = FenceRules.onTry(tx.branch());
    if (step.action() == TryAction.ANSWER) {
      log.debug("try of {} xid={} branch={}: {} ({})", participant, xid, branchId,
          step.outcome(), step.message());
      return new TryResult(step.outcome(), step.message());
    }
    // Claim the branch before the resource runs, so a concurrent cancel waits for this
    // transaction and then finds the row (TRIED or TRY_FAILED) instead of cancelling empty.
    tx.put(new BranchFence(xid, branchId, FenceState.TRIED, 0));
    tx.beginBusiness();
    BranchContext context =
        BranchContext.forTry(participant, xid, branchId, payload, tx.connection());
    try {
      resource.onTry(context);
      return new TryResult(Outcome.OK, "");
    } catch (Exception e) {
      // Undo the try's business changes but keep (and mark) its row: the Seata fence bug was a
      // failed try rolling back its own row, so that its cancel was skipped.
      tx.discardBusiness();
      tx.put(new BranchFence(xid, branchId, FenceState.TRY_FAILED, 0));
      log.debug("try of {} xid={} branch={} failed", participant, xid, branchId, e);
      return new TryResult(Outcome.TRY_FAILED, describe(e));
    }
  }

  /**
   * Applies one phase-2 call, if it is the next in seq order. Never throws: a failure of the
   * resource or of the store answers PHASE2_FAILED with nothing applied, and the leader retries.
   */
  public Phase2Ack apply(Phase2Call call) {
    Phase2Input input = new Phase2Input(call.getXid(), call.getBranchId(), call.getSeq(),
        call.getTerm(), decision(call), call.getOperatorResolved());
    String problem = FenceRules.branchProblem(participant, input.xid(), input.branchId());
    if (problem != null) {
      return ack(call, Outcome.INVALID_ARGUMENT, problem, committedAppliedSeq());
    }
    try {
      return store.inTransaction(participant, input.xid(), input.branchId(), true,
          tx -> applyIn(tx, call, input));
    } catch (ResourceFailure e) {
      log.info("{} seq {} of {} (xid={} branch={}) failed; nothing applied, the leader retries",
          decisionName(input), input.seq(), participant, input.xid(), input.branchId(),
          e.getCause());
      return ack(call, Outcome.PHASE2_FAILED, describe(e.getCause()), committedAppliedSeq());
    } catch (Exception e) {
      log.warn("seq {} of {}: the fence store failed; nothing applied", input.seq(), participant,
          e);
      return ack(call, Outcome.PHASE2_FAILED, "the fence store failed: " + describe(e),
          committedAppliedSeq());
    }
  }

  private Phase2Ack applyIn(FenceTransaction tx, Phase2Call call, Phase2Input input)
      throws Exception {
    Watermark before = tx.watermark();
    Phase2Step step = FenceRules.onPhase2(before, tx.branch(), input);
    if (step.action() == Phase2Action.RUN_CONFIRM || step.action() == Phase2Action.RUN_CANCEL) {
      BranchContext context = BranchContext.forPhaseTwo(participant, input.xid(),
          input.branchId(), call.getPayload().toByteArray(),
          step.action() == Phase2Action.RUN_CONFIRM
              ? BranchContext.Phase.CONFIRM : BranchContext.Phase.CANCEL,
          input.seq(), input.term(), step.tryFailed(), tx.connection());
      runPhaseTwo(context);
    }
    if (step.row() != null) {
      tx.put(step.row());
    }
    if (step.watermark() != null) {
      tx.put(step.watermark());
    }
    logStep(input, step);
    return ack(call, step.outcome(), step.message(), step.appliedSeqAfter(before));
  }

  private void runPhaseTwo(BranchContext context) throws ResourceFailure {
    try {
      if (context.phase() == BranchContext.Phase.CONFIRM) {
        resource.onConfirm(context);
      } else {
        resource.onCancel(context);
      }
    } catch (Exception e) {
      // Marked, so apply() can tell the resource's failure from the store's.
      throw new ResourceFailure(e);
    }
  }

  private void logStep(Phase2Input input, Phase2Step step) {
    switch (step.outcome()) {
      case OK:
      case SEQ_GAP:
        log.debug("{} seq {} term {}: {} {} {}", participant, input.seq(), input.term(),
            step.action(), step.outcome(), step.message());
        break;
      case STALE_TERM:
        // Expected for a while after an election, until the deposed leader learns it.
        log.info("{} seq {}: refused, {}", participant, input.seq(), step.message());
        break;
      default:
        log.warn("{} seq {} term {} (xid={} branch={}): refused, {} ({})", participant,
            input.seq(), input.term(), input.xid(), input.branchId(), step.outcome(),
            step.message());
    }
  }

  /** The applied seq as committed, for answers after a failure (0 when even that fails). */
  private long committedAppliedSeq() {
    try {
      return store.watermark(participant).appliedSeq();
    } catch (RuntimeException e) {
      log.debug("cannot read the watermark of {}", participant, e);
      return 0;
    }
  }

  private Phase2Ack ack(Phase2Call call, Outcome outcome, String message, long appliedSeq) {
    return Phase2Ack.newBuilder()
        .setParticipant(participant)
        .setSeq(call.getSeq())
        .setAppliedSeq(appliedSeq)
        .setTerm(call.getTerm())
        .setOutcome(outcome.code())
        .setMessage(message)
        .build();
  }

  private static Decision decision(Phase2Call call) {
    switch (call.getDecision()) {
      case CONFIRM:
        return Decision.CONFIRM;
      case CANCEL:
        return Decision.CANCEL;
      default:
        return null;
    }
  }

  private static String decisionName(Phase2Input input) {
    return input.decision() == null
        ? "phase-2 call" : input.decision().name().toLowerCase(Locale.ROOT);
  }

  static String describe(Throwable e) {
    String text = e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return text.length() <= MESSAGE_CHARS_MAX
        ? text : text.substring(0, MESSAGE_CHARS_MAX - 3) + "...";
  }

  /** The resource threw during phase two: roll back, answer PHASE2_FAILED. */
  private static final class ResourceFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ResourceFailure(Exception cause) {
      super(cause.toString(), cause, false, false);
    }
  }
}
