package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Decision;
import dev.sequent.client.participant.FenceRules.Phase2Action;
import dev.sequent.client.participant.FenceRules.Phase2Input;
import dev.sequent.client.participant.FenceRules.Phase2Step;
import dev.sequent.client.participant.FenceRules.TryAction;
import dev.sequent.protocol.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The pure fence rules, one rule per test: state in, step out, nothing else involved. */
class FenceRulesTest {
  private static final Watermark AT_3_TERM_2 = new Watermark(3, 2);

  private static BranchFence row(FenceState state) {
    return new BranchFence("x", "b", state, state == FenceState.TRIED
        || state == FenceState.TRY_FAILED ? 0 : 1);
  }

  private static Phase2Input call(long seq, long term, Decision decision) {
    return new Phase2Input("x", "b", seq, term, decision, false);
  }

  @Test
  void aFirstTryRunsAndDuplicatesGetTheFirstAnswer() {
    assertEquals(TryAction.RUN, FenceRules.onTry(null).action());
    assertEquals(Outcome.OK, FenceRules.onTry(row(FenceState.TRIED)).outcome());
    assertEquals(Outcome.OK, FenceRules.onTry(row(FenceState.CONFIRMED)).outcome());
    assertEquals(Outcome.TRY_FAILED, FenceRules.onTry(row(FenceState.TRY_FAILED)).outcome());
    assertEquals(TryAction.ANSWER, FenceRules.onTry(row(FenceState.TRIED)).action());
  }

  @ParameterizedTest
  @EnumSource(value = FenceState.class,
      names = {"CANCELLED", "CANCELLED_EMPTY", "RESOLVED_BY_OPERATOR"})
  void aTryAfterItsBranchsPhaseTwoIsRefused(FenceState state) {
    assertEquals(Outcome.TRY_AFTER_CANCEL, FenceRules.onTry(row(state)).outcome());
    assertEquals(TryAction.ANSWER, FenceRules.onTry(row(state)).action());
  }

  @Test
  void aStaleTermIsRefusedBeforeAnythingElseEvenForAnAppliedSeq() {
    Phase2Step duplicate = FenceRules.onPhase2(AT_3_TERM_2, null, call(2, 1, Decision.CONFIRM));
    assertEquals(Outcome.STALE_TERM, duplicate.outcome());
    assertNull(duplicate.watermark(), "a stale call writes nothing");
    Phase2Step next = FenceRules.onPhase2(AT_3_TERM_2, row(FenceState.TRIED),
        call(4, 1, Decision.CONFIRM));
    assertEquals(Outcome.STALE_TERM, next.outcome());
    assertEquals(Phase2Action.REJECT, next.action());
  }

  @Test
  void anAppliedSeqIsADuplicateAnsweredOkThatRecordsANewerTerm() {
    Phase2Step same = FenceRules.onPhase2(AT_3_TERM_2, null, call(3, 2, Decision.CONFIRM));
    assertEquals(Phase2Action.DUPLICATE, same.action());
    assertEquals(Outcome.OK, same.outcome());
    assertNull(same.watermark());
    assertEquals(3, same.appliedSeqAfter(AT_3_TERM_2));
    Phase2Step newer = FenceRules.onPhase2(AT_3_TERM_2, null, call(1, 5, Decision.CANCEL));
    assertEquals(Phase2Action.DUPLICATE, newer.action());
    assertEquals(new Watermark(3, 5), newer.watermark());
  }

  @Test
  void aGapIsRefusedAndAppliesNothing() {
    Phase2Step gap = FenceRules.onPhase2(AT_3_TERM_2, row(FenceState.TRIED),
        call(5, 2, Decision.CONFIRM));
    assertEquals(Outcome.SEQ_GAP, gap.outcome());
    assertNull(gap.row());
    assertNull(gap.watermark());
    assertEquals(3, gap.appliedSeqAfter(AT_3_TERM_2));
  }

  @Test
  void theNextConfirmOfATriedBranchRunsAndAdvances() {
    Phase2Step step = FenceRules.onPhase2(AT_3_TERM_2, row(FenceState.TRIED),
        call(4, 3, Decision.CONFIRM));
    assertEquals(Phase2Action.RUN_CONFIRM, step.action());
    assertEquals(new BranchFence("x", "b", FenceState.CONFIRMED, 4), step.row());
    assertEquals(new Watermark(4, 3), step.watermark());
  }

  @Test
  void aConfirmWithoutASuccessfulTryIsRefusedAndHoldsTheStream() {
    for (BranchFence existing : new BranchFence[] {null, row(FenceState.TRY_FAILED)}) {
      Phase2Step step = FenceRules.onPhase2(AT_3_TERM_2, existing, call(4, 2, Decision.CONFIRM));
      assertEquals(Outcome.CONFIRM_WITHOUT_TRY, step.outcome());
      assertNull(step.watermark(), "not applied: an operator must resolve it");
    }
  }

  @Test
  void anOppositeDecisionOnAFinishedBranchIsADecisionConflict() {
    assertEquals(Outcome.DECISION_CONFLICT, FenceRules.onPhase2(AT_3_TERM_2,
        row(FenceState.CANCELLED_EMPTY), call(4, 2, Decision.CONFIRM)).outcome());
    assertEquals(Outcome.DECISION_CONFLICT, FenceRules.onPhase2(AT_3_TERM_2,
        row(FenceState.CONFIRMED), call(4, 2, Decision.CANCEL)).outcome());
  }

  @Test
  void aCancelWithoutTryIsAnEmptyCancelThatRunsNothing() {
    Phase2Step step = FenceRules.onPhase2(AT_3_TERM_2, null, call(4, 2, Decision.CANCEL));
    assertEquals(Phase2Action.RECORD, step.action());
    assertEquals(FenceState.CANCELLED_EMPTY, step.row().state());
    assertEquals(4, step.appliedSeqAfter(AT_3_TERM_2));
  }

  @Test
  void aCancelAfterAFailedTryRunsOnCancelToldTheTryFailed() {
    Phase2Step failed = FenceRules.onPhase2(AT_3_TERM_2, row(FenceState.TRY_FAILED),
        call(4, 2, Decision.CANCEL));
    assertEquals(Phase2Action.RUN_CANCEL, failed.action());
    assertTrue(failed.tryFailed());
    Phase2Step tried = FenceRules.onPhase2(AT_3_TERM_2, row(FenceState.TRIED),
        call(4, 2, Decision.CANCEL));
    assertEquals(Phase2Action.RUN_CANCEL, tried.action());
    assertFalse(tried.tryFailed());
  }

  @Test
  void aBranchAlreadyFinishedUnderAnotherSeqAdvancesWithoutRunning() {
    Phase2Step step = FenceRules.onPhase2(AT_3_TERM_2, row(FenceState.CONFIRMED),
        call(4, 2, Decision.CONFIRM));
    assertEquals(Phase2Action.RECORD, step.action());
    assertNull(step.row());
    assertEquals(4, step.appliedSeqAfter(AT_3_TERM_2));
  }

  @Test
  void anOperatorResolvedCallRecordsAndAdvancesWhateverTheBranchState() {
    Phase2Input resolved = new Phase2Input("x", "b", 4, 2, null, true);
    for (FenceState state : FenceState.values()) {
      Phase2Step step = FenceRules.onPhase2(AT_3_TERM_2, row(state), resolved);
      assertEquals(Phase2Action.RECORD, step.action(), state.name());
      assertEquals(FenceState.RESOLVED_BY_OPERATOR, step.row().state());
    }
    assertEquals(Phase2Action.RECORD, FenceRules.onPhase2(AT_3_TERM_2, null, resolved).action());
  }

  @Test
  void aCallWithoutDecisionOrSeqIsInvalid() {
    assertEquals(Outcome.INVALID_ARGUMENT,
        FenceRules.onPhase2(AT_3_TERM_2, null, call(4, 2, null)).outcome());
    assertEquals(Outcome.INVALID_ARGUMENT,
        FenceRules.onPhase2(Watermark.NONE, null, call(0, 2, Decision.CANCEL)).outcome());
  }

  @Test
  void idsFollowTheCoordinatorsRule() {
    assertNull(FenceRules.branchProblem("p", "x-1", "b"));
    assertEquals("xid is empty", FenceRules.branchProblem("p", "", "b"));
    assertTrue(FenceRules.branchProblem("p", "x", "a b").contains("printable ASCII"));
    assertTrue(FenceRules.branchProblem("p".repeat(256), "x", "b").contains("longer than 255"));
  }

  @Test
  void stateCodesAreStableAndDistinct() {
    for (FenceState state : FenceState.values()) {
      assertEquals(state, FenceState.fromCode(state.code()).orElseThrow());
    }
    assertEquals(6, FenceState.RESOLVED_BY_OPERATOR.code());
    assertTrue(FenceState.fromCode(0).isEmpty());
  }
}
