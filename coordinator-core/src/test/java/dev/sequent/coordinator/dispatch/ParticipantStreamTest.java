package dev.sequent.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The stream rules of DESIGN.md "Phase two", each proved by stepping one {@link
 * ParticipantStream} tick by tick against a tiny table stand-in, with a test clock and a jitter
 * source that always draws the largest value (so every delay equals its ceiling).
 */
class ParticipantStreamTest {

  private static final String P = "p1";
  private static final DispatcherSettings SETTINGS = DispatcherSettings.DEFAULTS
      .withInflightMax(3).withBackoffMs(100, 1_000).withAttemptsMax(3).withTimeoutsMs(1_000, 5_000);

  private final FakeTable table = new FakeTable();
  private long now = 10_000;
  private ParticipantStream stream = new ParticipantStream(P, SETTINGS, bound -> bound - 1);

  // ------------------------------------------------------------------ order, window, acks

  @Test
  void sendsInSeqOrderFromTheFirstUnackedAndNeverMoreThanTheWindow() {
    table.decide(5);
    connect();

    assertEquals(List.of(1L, 2L, 3L), tick().sentSeqs(), "the window holds 3");
    assertEquals(StreamStep.NONE, tick(), "a full window sends nothing");

    stream.ack(1, ok(1, 1), now);
    assertEquals(List.of(4L), tick().sentSeqs(), "one answered, one more goes");
    stream.ack(1, ok(2, 2), now);
    stream.ack(1, ok(3, 3), now);
    StreamStep step = tick();
    assertEquals(List.of(5L), step.sentSeqs());
    assertEquals(3, step.ackUpTo(), "the highest acknowledged seq is offered for the log");
    assertEquals(0, step.resent());
  }

  @Test
  void acksAreCumulativeAndDuplicatesChangeNothing() {
    table.decide(3);
    connect();
    tick();

    stream.ack(1, ok(1, 1), now);
    stream.ack(1, ok(2, 3), now);
    assertEquals(3, stream.ackedSeq(), "applied_seq 3 covers seq 3 before its own answer");
    stream.ack(1, ok(3, 3), now);
    stream.ack(1, ok(2, 2), now);
    stream.ack(1, ok(1, 1), now);
    assertEquals(3, stream.ackedSeq());
    assertEquals(0, stream.inflight());

    assertEquals(3, tick().ackUpTo());
    stream.ackProposed(3);
    assertEquals(StreamStep.NONE, tick(), "offered once until the proposal fails");
    stream.ackNotApplied(3);
    assertEquals(3, tick().ackUpTo(), "a failed proposal is offered again");
    stream.ackProposed(3);
    table.ack(3);
    assertEquals(StreamStep.NONE, tick());
    assertEquals(3, stream.watermark());
  }

  @Test
  void anAckBeyondTheLastAssignedSeqIsIgnored() {
    table.decide(2);
    connect();
    tick();

    stream.ack(1, ok(1, 9), now);

    assertEquals(0, stream.ackedSeq(), "no participant applies a seq never assigned");
  }

  // ------------------------------------------------------------------ gaps and failures

  @Test
  void aSeqGapResendsFromAppliedPlusOneOnceNotOncePerPipelinedCall() {
    table.decide(3);
    connect();
    assertEquals(List.of(1L, 2L, 3L), tick().sentSeqs());

    stream.ack(1, ok(1, 1), now);
    stream.ack(1, answer(2, 1, Outcome.SEQ_GAP), now);
    StreamStep resend = tick();
    assertEquals(List.of(2L, 3L), resend.sentSeqs(), "resent at once from applied_seq + 1");
    assertEquals(2, resend.resent());

    stream.ack(1, answer(3, 1, Outcome.SEQ_GAP), now);
    assertEquals(List.of(), tick().sentSeqs(),
        "the gap of a call sent before the resend is stale: no second resend");

    stream.ack(1, ok(2, 2), now);
    stream.ack(1, ok(3, 3), now);
    assertEquals(3, stream.ackedSeq());
  }

  @Test
  void phase2FailedBacksOffExponentiallyUpToTheCapAndCountsAttempts() {
    stream = new ParticipantStream(P, SETTINGS.withAttemptsMax(100), bound -> bound - 1);
    table.decide(1);
    connect();
    assertEquals(List.of(1L), tick().sentSeqs());

    long[] delays = {100, 200, 400, 800, 1_000, 1_000, 1_000};
    for (int attempt = 1; attempt <= delays.length; attempt++) {
      stream.ack(1, answer(1, 0, Outcome.PHASE2_FAILED), now);
      assertEquals(attempt, stream.headAttempts());
      assertEquals(now + delays[attempt - 1], stream.retryAtMs(), "delay of attempt " + attempt);
      now = stream.retryAtMs() - 1;
      assertEquals(StreamStep.NONE, tick(), "nothing before the backoff ends");
      now++;
      StreamStep retry = tick();
      assertEquals(List.of(1L), retry.sentSeqs());
      assertEquals(1, retry.resent());
    }
    assertEquals(0, tick().markNeedsOperator(), "100 attempts allowed: no mark yet");
  }

  @Test
  void transientRefusalsBackOffWithoutCountingAnAttempt() {
    table.decide(1);
    connect();
    tick();

    for (int i = 0; i < 5; i++) {
      stream.ack(1, answer(1, 0, Outcome.OVERLOADED), now);
      now = stream.retryAtMs();
      assertEquals(List.of(1L), tick().sentSeqs());
    }

    assertEquals(0, stream.headAttempts());
    assertEquals(0, stream.pausedSeq(), "an overloaded endpoint is not an operator's problem");
  }

  @Test
  void theAttemptLimitMarksTheCallThenHoldsTheStreamUntilAnOperatorResolvesIt() {
    table.decide(2);
    connect();
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertEquals(List.of(1L, 2L), tick().sentSeqs(), "attempt " + attempt);
      stream.ack(1, answer(1, 0, Outcome.PHASE2_FAILED), now);
      stream.ack(1, answer(2, 0, Outcome.SEQ_GAP), now);
      now = Math.max(now, stream.retryAtMs());
    }
    assertEquals(1, stream.pausedSeq());
    StreamStep mark = tick();
    assertEquals(1, mark.markNeedsOperator());
    assertTrue(mark.send().isEmpty());

    stream.markProposed(1);
    assertEquals(StreamStep.NONE, tick(), "one mark in flight at a time");
    stream.markDone(1, false, now);
    now += 99;
    assertEquals(StreamStep.NONE, tick(), "a failed mark waits a backoff");
    now += 1;
    assertEquals(1, tick().markNeedsOperator(), "then is proposed again");
    stream.markProposed(1);
    stream.markDone(1, true, now);
    table.setState(1, BranchState.NEEDS_OPERATOR);
    now += 60_000;
    assertEquals(StreamStep.NONE, tick(), "held: nothing is sent past a call needing an operator");

    table.setState(1, BranchState.RESOLVED_BY_OPERATOR);
    StreamStep resumed = tick();
    assertEquals(List.of(1L, 2L), resumed.sentSeqs(), "strict order: the resolved seq goes first");
    assertEquals(BranchState.RESOLVED_BY_OPERATOR, resumed.send().get(0).state(),
        "so it is sent with operator_resolved");
    assertEquals(BranchState.PENDING, resumed.send().get(1).state());
    stream.ack(1, ok(1, 1), now);
    stream.ack(1, ok(2, 2), now);
    assertEquals(2, stream.ackedSeq());
  }

  @Test
  void confirmWithoutTryCountsAsAnAttempt() {
    stream = new ParticipantStream(P, SETTINGS.withAttemptsMax(1), bound -> bound - 1);
    table.decide(1);
    connect();
    tick();

    stream.ack(1, answer(1, 0, Outcome.CONFIRM_WITHOUT_TRY), now);

    assertEquals(1, tick().markNeedsOperator());
  }

  @Test
  void aHeadAnEarlierLeaderMarkedHoldsTheStreamWithoutANewMark() {
    table.decide(2);
    table.setState(1, BranchState.NEEDS_OPERATOR);
    connect();

    assertEquals(StreamStep.NONE, tick());
    assertEquals(1, stream.pausedSeq());
  }

  @Test
  void anAckPastAHeldCallResumesTheStream() {
    stream = new ParticipantStream(P, SETTINGS.withAttemptsMax(1), bound -> bound - 1);
    table.decide(3);
    connect();
    tick();
    stream.ack(1, answer(1, 0, Outcome.PHASE2_FAILED), now);
    stream.ack(1, answer(2, 0, Outcome.SEQ_GAP), now);
    stream.ack(1, answer(3, 0, Outcome.SEQ_GAP), now);
    assertEquals(1, stream.pausedSeq());

    table.ack(1);
    assertEquals(List.of(2L, 3L), tick().sentSeqs(), "the participant applied it after all");
    assertEquals(0, stream.pausedSeq());
  }

  // ------------------------------------------------------------------ connections

  @Test
  void aLostConnectionBacksOffThenReconnectsAndResendsFromTheFirstUnacked() {
    table.decide(3);
    connect();
    tick();
    stream.ack(1, ok(1, 1), now);

    stream.disconnected(1, now);
    assertEquals(ParticipantStream.Connection.DISCONNECTED, stream.connection());
    long lostAt = now;
    now += 99;
    assertEquals(0, tick().openConnection(), "not before the backoff");
    assertEquals(99, stream.downForMs(now));
    now += 1;
    long second = tick().openConnection();
    assertEquals(2, second);
    assertEquals(now - lostAt, stream.downForMs(now));

    stream.connected(second, now);
    StreamStep resend = tick();
    assertEquals(List.of(2L, 3L), resend.sentSeqs());
    assertEquals(2, resend.sendConnection());
    assertEquals(2, resend.resent());
    assertEquals(0, stream.downForMs(now));

    stream.disconnected(1, now);
    stream.ack(1, ok(2, 2), now);
    assertEquals(ParticipantStream.Connection.CONNECTED, stream.connection(),
        "events of the old connection are stale");
    assertEquals(1, stream.ackedSeq());
  }

  @Test
  void aParticipantThatStaysDownIsRetriedForeverAtTheCappedDelayAndNeverMarked() {
    table.decide(1);
    long firstAttempt = now;
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      StreamStep step = tick();
      assertNotEquals(0, step.openConnection(), "attempt " + i);
      assertEquals(0, step.markNeedsOperator());
      stream.disconnected(step.openConnection(), now);
      delays.add(stream.retryAtMs() - now);
      now = stream.retryAtMs();
    }
    assertEquals(List.of(100L, 200L, 400L, 800L, 1_000L, 1_000L), delays.subList(0, 6));
    assertTrue(delays.stream().allMatch(d -> d <= 1_000));
    assertEquals(now - firstAttempt, stream.downForMs(now));
    assertEquals(0, stream.headAttempts(), "being down is not a failed attempt");
  }

  @Test
  void aSilentConnectionIsClosedAfterTheReplyTimeoutAndReopened() {
    table.decide(1);
    connect();
    tick();

    now += 4_999;
    assertEquals(StreamStep.NONE, tick());
    now += 1;
    StreamStep timeout = tick();
    assertEquals(1, timeout.closeConnection());
    now = stream.retryAtMs();
    assertEquals(2, tick().openConnection());
  }

  @Test
  void withoutAnEndpointNothingIsDialledAndTheDownTimeGrows() {
    table.decide(1);
    table.endpointKnown = false;
    long start = now;
    assertEquals(StreamStep.NONE, tick());
    now += 5_000;
    assertEquals(StreamStep.NONE, tick());
    assertEquals(now - start, stream.downForMs(now));

    table.endpointKnown = true;
    assertEquals(1, tick().openConnection());
  }

  @Test
  void aMovedEndpointIsDialledAtOnce() {
    table.decide(2);
    connect();
    tick();
    stream.ack(1, answer(1, 0, Outcome.UNKNOWN_PARTICIPANT), now);
    assertEquals(1, tick().closeConnection(), "the endpoint does not host the participant");

    stream.endpointChanged(now);
    assertEquals(2, tick().openConnection(), "no backoff for a new address");
  }

  // ------------------------------------------------------------------ terms and leaders

  @Test
  void staleTermStopsTheStreamForGood() {
    table.decide(2);
    connect();
    tick();

    stream.ack(1, answer(1, 0, Outcome.STALE_TERM), now);

    assertTrue(stream.isStopped());
    assertEquals(1, tick().closeConnection());
    table.decide(3);
    now += 60_000;
    assertEquals(StreamStep.NONE, tick());
    assertEquals(null, stream.readRequest());
  }

  @Test
  void aNewLeaderResumesFromTheReplicatedWatermarkAndLearnsFromDuplicates() {
    table.decide(5);
    connect();
    tick();
    stream.ack(1, ok(1, 1), now);
    stream.ack(1, ok(2, 2), now);
    stream.ack(1, ok(3, 3), now);
    assertEquals(3, stream.ackedSeq());
    assertEquals(0, table.watermark, "the old leader died before its acks reached the log");

    stream = new ParticipantStream(P, SETTINGS, bound -> bound - 1);
    connect();
    assertEquals(List.of(1L, 2L, 3L), tick().sentSeqs(), "level-triggered: from the watermark");
    stream.ack(1, ok(1, 3), now);
    stream.ack(1, ok(2, 3), now);
    stream.ack(1, ok(3, 3), now);
    StreamStep next = tick();
    assertEquals(List.of(4L, 5L), next.sentSeqs());
    assertEquals(3, next.ackUpTo());

    table.ack(4);
    tick();
    assertEquals(4, stream.ackedSeq(), "the replicated watermark is never behind the stream");
  }

  @Test
  void theTableMustListCallsContiguously() {
    table.decide(3);
    ParticipantStream.ReadRequest request = new ParticipantStream.ReadRequest(0, 3);
    assertThrows(IllegalStateException.class,
        () -> stream.feed(request, List.of(table.calls.get(2L)), now));
  }

  // ------------------------------------------------------------------ helpers

  /** Feeds the stream what the table holds, then steps it. */
  private StreamStep tick() {
    table.feed(stream, now);
    return stream.step(now);
  }

  /** Steps until the stream dials, and reports the connection open. */
  private void connect() {
    StreamStep step = tick();
    assertNotEquals(0, step.openConnection(), "the stream dials when it has work");
    assertFalse(step.openConnection() != 1 && stream.connections() == 1);
    stream.connected(step.openConnection(), now);
  }

  private static Phase2Ack ok(long seq, long applied) {
    return answer(seq, applied, Outcome.OK);
  }

  private static Phase2Ack answer(long seq, long applied, Outcome outcome) {
    return Phase2Ack.newBuilder().setParticipant(P).setSeq(seq).setAppliedSeq(applied)
        .setTerm(1).setOutcome(outcome.code()).build();
  }

  /** The table as the stream reads it: calls above the watermark, their states, the endpoint. */
  private static final class FakeTable {
    final Map<Long, Phase2Record> calls = new TreeMap<>();
    long watermark;
    long lastSeq;
    boolean endpointKnown = true;

    void decide(int count) {
      for (int i = 0; i < count; i++) {
        lastSeq++;
        calls.put(lastSeq, new Phase2Record(P, lastSeq, "x" + lastSeq, "b", Decision.CONFIRM,
            BranchState.PENDING, new byte[0]));
      }
    }

    void setState(long seq, BranchState state) {
      Phase2Record call = calls.get(seq);
      calls.put(seq, new Phase2Record(P, seq, call.xid(), call.branchId(), call.decision(), state,
          call.payload()));
    }

    void ack(long seq) {
      watermark = seq;
      calls.keySet().removeIf(s -> s <= seq);
    }

    void feed(ParticipantStream stream, long nowMs) {
      stream.observe(watermark, lastSeq, endpointKnown, nowMs);
      ParticipantStream.ReadRequest request = stream.readRequest();
      if (request != null) {
        List<Phase2Record> read = calls.values().stream()
            .filter(c -> c.seq() > request.afterSeq()).limit(request.limit()).toList();
        stream.feed(request, read, nowMs);
      }
    }
  }
}
