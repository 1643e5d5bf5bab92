package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.TryResult;
import dev.sequent.client.participant.BranchContext.Phase;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every fence store must do, run against each ({@link JdbcFenceContractTest}, {@link
 * RocksFenceContractTest}) through the real fence engine: the fence cases of the issue (empty
 * cancel, suspension, failed try then cancel, duplicate confirm) and the sequencing rules, with
 * the state read back from the store itself.
 */
abstract class FenceStoreContract {
  static final String P = "accounts";

  FenceStore store;
  RecordingResource resource;
  Fence fence;

  /** Opens the store under test; called again after close, it must find the same data. */
  abstract FenceStore openStore() throws Exception;

  @BeforeEach
  void openFence() throws Exception {
    store = openStore();
    resource = new RecordingResource();
    fence = new Fence(P, resource, store);
  }

  @AfterEach
  void closeFence() {
    store.close();
  }

  BranchFence row(String xid) {
    return store.branch(P, xid, "b").orElse(null);
  }

  private static void assertOk(Phase2Ack ack) {
    assertEquals(Outcome.OK, Outcome.fromCode(ack.getOutcome()), ack.getMessage());
  }

  @Test
  void anEmptyCancelIsRecordedAndAppliedWithoutCallingOnCancel() {
    Phase2Ack ack = fence.apply(Calls.cancel(P, 1, 1, "x1"));
    assertOk(ack);
    assertEquals(1, ack.getAppliedSeq());
    assertEquals(FenceState.CANCELLED_EMPTY, row("x1").state());
    assertEquals(1, row("x1").seq());
    assertTrue(resource.calls.isEmpty(), "onCancel must not run for a branch that never tried");
    assertEquals(new Watermark(1, 1), store.watermark(P));
  }

  @Test
  void aTryAfterItsCancelIsRefusedWithoutRunning() {
    assertOk(fence.apply(Calls.cancel(P, 1, 1, "x1")));
    TryResult late = fence.tryBranch("x1", "b", new byte[] {1});
    assertEquals(Outcome.TRY_AFTER_CANCEL, late.outcome());
    assertTrue(resource.calls.isEmpty(), "a suspended try must not reserve anything");
    assertEquals(FenceState.CANCELLED_EMPTY, row("x1").state());
  }

  @Test
  void aFailedTryKeepsItsRowSoItsCancelRunsOnCancelToldTheTryFailed() {
    resource.failAfterWrite(context -> context.phase() == Phase.TRY);
    assertEquals(Outcome.TRY_FAILED, fence.tryBranch("x1", "b", new byte[0]).outcome());
    assertEquals(FenceState.TRY_FAILED, row("x1").state(), "the Seata bug: the row rolled back");

    resource.failAfterWrite(context -> false);
    assertOk(fence.apply(Calls.cancel(P, 1, 1, "x1")));
    List<RecordingResource.Call> cancels = resource.succeeded(Phase.CANCEL);
    assertEquals(1, cancels.size());
    assertTrue(cancels.get(0).tryFailed(), "onCancel must be told the try had failed");
    assertEquals(FenceState.CANCELLED, row("x1").state());
  }

  @Test
  void aDuplicateConfirmIsAppliedOnceAndAnsweredWithTheSameAck() {
    assertEquals(Outcome.OK, fence.tryBranch("x1", "b", new byte[0]).outcome());
    Phase2Ack first = fence.apply(Calls.confirm(P, 1, 1, "x1"));
    Phase2Ack again = fence.apply(Calls.confirm(P, 1, 1, "x1"));
    assertOk(first);
    // The same ack: participant, seq, applied seq, term and outcome (the message is a comment).
    assertEquals(first.toBuilder().clearMessage().build(),
        again.toBuilder().clearMessage().build());
    assertEquals(1, resource.succeeded(Phase.CONFIRM).size(), "confirm must run once");
    assertEquals(FenceState.CONFIRMED, row("x1").state());
  }

  @Test
  void aDuplicateTryIsAnsweredOkWithoutRunningAgain() {
    assertEquals(Outcome.OK, fence.tryBranch("x1", "b", new byte[0]).outcome());
    assertEquals(Outcome.OK, fence.tryBranch("x1", "b", new byte[0]).outcome());
    assertEquals(1, resource.succeeded(Phase.TRY).size());
    assertEquals(FenceState.TRIED, row("x1").state());
  }

  @Test
  void aConfirmWithoutTryIsRefusedUntilAnOperatorResolvesIt() {
    Phase2Ack refused = fence.apply(Calls.confirm(P, 1, 1, "x1"));
    assertEquals(Outcome.CONFIRM_WITHOUT_TRY, Outcome.fromCode(refused.getOutcome()));
    assertEquals(0, refused.getAppliedSeq());
    assertEquals(Outcome.SEQ_GAP,
        Outcome.fromCode(fence.apply(Calls.cancel(P, 2, 1, "x2")).getOutcome()),
        "the stream waits behind the refused call");

    Phase2Ack resolved = fence.apply(Calls.resolved(P, 1, 1, "x1"));
    assertOk(resolved);
    assertEquals(1, resolved.getAppliedSeq());
    assertEquals(FenceState.RESOLVED_BY_OPERATOR, row("x1").state());
    assertTrue(resource.calls.isEmpty(), "an operator-resolved call runs nothing");
    assertOk(fence.apply(Calls.cancel(P, 2, 1, "x2")));
  }

  @Test
  void aStaleTermAfterANewerOneIsRefusedAndNotApplied() {
    fence.tryBranch("x1", "b", new byte[0]);
    fence.tryBranch("x2", "b", new byte[0]);
    assertOk(fence.apply(Calls.confirm(P, 1, 5, "x1")));
    Phase2Ack stale = fence.apply(Calls.confirm(P, 2, 4, "x2"));
    assertEquals(Outcome.STALE_TERM, Outcome.fromCode(stale.getOutcome()));
    assertEquals(1, stale.getAppliedSeq());
    assertEquals(FenceState.TRIED, row("x2").state());
    assertEquals(new Watermark(1, 5), store.watermark(P));
    assertOk(fence.apply(Calls.confirm(P, 2, 6, "x2")));
    assertEquals(List.of(1L, 2L), resource.appliedSeqs());
  }

  @Test
  void aGapIsRefusedWithNothingAppliedAndTheResendFillsIt() {
    fence.tryBranch("x1", "b", new byte[0]);
    fence.tryBranch("x2", "b", new byte[0]);
    Phase2Ack gap = fence.apply(Calls.confirm(P, 2, 1, "x2"));
    assertEquals(Outcome.SEQ_GAP, Outcome.fromCode(gap.getOutcome()));
    assertEquals(0, gap.getAppliedSeq());
    assertEquals(FenceState.TRIED, row("x2").state());
    assertOk(fence.apply(Calls.confirm(P, 1, 1, "x1")));
    assertOk(fence.apply(Calls.confirm(P, 2, 1, "x2")));
    assertEquals(List.of(1L, 2L), resource.appliedSeqs());
  }

  @Test
  void aFailingConfirmLeavesNothingAndItsRetryAppliesOnce() {
    fence.tryBranch("x1", "b", new byte[0]);
    resource.failAfterWrite(context -> context.phase() == Phase.CONFIRM);
    Phase2Ack failed = fence.apply(Calls.confirm(P, 1, 1, "x1"));
    assertEquals(Outcome.PHASE2_FAILED, Outcome.fromCode(failed.getOutcome()));
    assertEquals(0, failed.getAppliedSeq());
    assertEquals(FenceState.TRIED, row("x1").state());
    assertEquals(Watermark.NONE, store.watermark(P));

    resource.failAfterWrite(context -> false);
    assertOk(fence.apply(Calls.confirm(P, 1, 1, "x1")));
    assertOk(fence.apply(Calls.confirm(P, 1, 1, "x1")));
    assertEquals(1, resource.succeeded(Phase.CONFIRM).size());
  }

  @Test
  void theFenceSurvivesClosingAndReopeningTheStore() throws Exception {
    fence.tryBranch("x1", "b", new byte[0]);
    assertOk(fence.apply(Calls.confirm(P, 1, 3, "x1")));
    assertOk(fence.apply(Calls.cancel(P, 2, 3, "x2")));
    store.close();
    store = openStore();
    fence = new Fence(P, resource, store);

    assertEquals(new Watermark(2, 3), store.watermark(P));
    assertEquals(FenceState.CONFIRMED, row("x1").state());
    Phase2Ack redelivered = fence.apply(Calls.confirm(P, 1, 3, "x1"));
    assertOk(redelivered);
    assertEquals(2, redelivered.getAppliedSeq());
    assertEquals(1, resource.succeeded(Phase.CONFIRM).size(), "a redelivery is a duplicate");
    assertEquals(Outcome.TRY_AFTER_CANCEL, fence.tryBranch("x2", "b", new byte[0]).outcome());
  }

  @Test
  void participantsSharingAStoreKeepSeparateStreams() {
    Fence other = new Fence("ledger", resource, store);
    assertOk(fence.apply(Calls.cancel(P, 1, 1, "x1")));
    assertOk(other.apply(Calls.cancel("ledger", 1, 1, "x1")));
    assertEquals(new Watermark(1, 1), store.watermark("ledger"));
    assertEquals(FenceState.CANCELLED_EMPTY,
        store.branch("ledger", "x1", "b").orElseThrow().state());
  }

  /**
   * A try and the empty cancel of the same branch, racing: whoever wins, the branch never ends up
   * suspended (try OK but cancelled empty), and onCancel runs exactly when the try committed.
   */
  @Test
  void aTryRacingItsCancelNeverSuspends() throws Exception {
    resource.tryDelayMs(2);
    ExecutorService threads = Executors.newFixedThreadPool(2,
        runnable -> new Thread(runnable, "race-" + System.nanoTime()));
    try {
      int rounds = 20;
      for (int round = 1; round <= rounds; round++) {
        String xid = "race-" + round;
        long seq = round;
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<TryResult> tried = CompletableFuture.supplyAsync(() -> {
          await(go);
          return fence.tryBranch(xid, "b", new byte[0]);
        }, threads);
        CompletableFuture<Phase2Ack> cancelled = CompletableFuture.supplyAsync(() -> {
          await(go);
          return fence.apply(Calls.cancel(P, seq, 1, xid));
        }, threads);
        go.countDown();
        TryResult tryResult = tried.get(20, TimeUnit.SECONDS);
        assertOk(cancelled.get(20, TimeUnit.SECONDS));
        FenceState end = row(xid).state();
        boolean cancelRan = resource.succeeded(Phase.CANCEL).stream()
            .anyMatch(call -> call.xid().equals(xid));
        if (tryResult.isOk()) {
          assertEquals(FenceState.CANCELLED, end, "round " + round + ": suspended");
          assertTrue(cancelRan, "round " + round + ": the try's effects were never cancelled");
        } else {
          assertEquals(Outcome.TRY_AFTER_CANCEL, tryResult.outcome(), "round " + round);
          assertEquals(FenceState.CANCELLED_EMPTY, end, "round " + round);
          assertFalse(cancelRan, "round " + round);
        }
      }
    } finally {
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(5, TimeUnit.SECONDS));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
