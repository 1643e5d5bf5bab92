package dev.sequent.coordinator.dispatch;

import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery of one participant's phase-2 calls, as a pure state machine (DESIGN.md "Phase
 * two"): inputs are what the table holds, what the connection did and what the participant
 * answered, each with the time; output is a {@link StreamStep} per {@link #step(long)}. No I/O,
 * no clock, no threads, no randomness of its own (jitter is injected), so a test or a simulator
 * steps it tick by tick.
 *
 * <p>Rules, as implemented:
 *
 * <ul>
 *   <li>Level-triggered: the table is the truth. {@link #observe} and {@link #feed} may be called
 *       before every step ({@link #readRequest} says what to read; a held stream re-reads only
 *       its head, once per observe); a fresh stream (a new leader) starts at the replicated watermark, and a
 *       reconnect re-reads and resends from the first unacknowledged seq. Nothing is replayed
 *       from memory that the table does not still say.
 *   <li>Order and window: calls are sent in seq order from the first unsent one, never past a
 *       call the table has not listed, and never more than inflightMax awaiting an answer (nor
 *       more than inflightMax seqs beyond the acknowledged one).
 *   <li>Acks are cumulative: {@code applied_seq} of any answer acknowledges every seq up to it,
 *       whatever its outcome; a duplicate or older one changes nothing. The acknowledged seq lives
 *       here, ahead of the replicated watermark, and is offered as {@code ackUpTo} until the
 *       caller reports it proposed.
 *   <li>Answers are matched to sends in order (one answer per call on a FIFO connection). Every
 *       rewind starts a new round; a refusal sent in an older round was already acted on, so it
 *       only contributes its applied seq. This keeps the calls pipelined behind a failed one
 *       (answered SEQ_GAP) from triggering a resend each.
 *   <li>SEQ_GAP: resend at once from applied_seq + 1.
 *   <li>Transient refusals (OVERLOADED, SHUTTING_DOWN and the like): resend from the head after
 *       the same kind of delay as below, without counting an attempt.
 *   <li>PHASE2_FAILED, CONFIRM_WITHOUT_TRY or any other (permanent) refusal of the head call: one
 *       explicit attempt; resend from the head after an exponential, capped, jittered delay. After
 *       attemptsMax attempts: offer MarkNeedsOperator(head) and send nothing more until the table
 *       shows the head RESOLVED_BY_OPERATOR (then it is sent with operator_resolved and the
 *       stream goes on) or an ack passes it. A head the table already shows NEEDS_OPERATOR (an
 *       earlier leader marked it) pauses the stream the same way, without a new mark.
 *   <li>Connection lost, refused, timed out or silent for replyTimeoutMs: reconnect after the
 *       same kind of delay, counted separately and never marked: a participant that is down is
 *       retried forever at the capped delay, and {@link #downForMs} says for how long.
 *       UNKNOWN_PARTICIPANT (the endpoint does not host it) is handled like a lost connection.
 *   <li>STALE_TERM: a participant has seen a newer leader, so this one is deposed; the stream
 *       closes its connection and stops for good.
 * </ul>
 *
 * <p>Connections have ids chosen here ({@link StreamStep#openConnection}); events of any other
 * id than the current one are stale and ignored.
 */
final class ParticipantStream {
  private static final Logger LOG = LoggerFactory.getLogger(ParticipantStream.class);

  enum Connection { DISCONNECTED, CONNECTING, CONNECTED }

  /** What the stream wants read from the table: calls with seq above afterSeq, at most limit. */
  record ReadRequest(long afterSeq, int limit) {}

  /** One call written and not yet answered, with the round it was written in. */
  private record Sent(long seq, long round) {}

  private final String participant;
  private final DispatcherSettings settings;
  private final BackoffPolicy backoff;
  private final JitterSource jitter;

  // What the table says.
  private long watermark;
  private long lastSeq;
  private boolean hasEndpoint;
  private final NavigableMap<Long, Phase2Record> calls = new TreeMap<>();
  private boolean refreshNeeded = true;
  private boolean headStale = true;

  // What the participant said, and what of it was handed to the log.
  private long ackedSeq;
  private long ackProposedSeq;

  // The connection.
  private Connection connection = Connection.DISCONNECTED;
  private long connectionId;
  private long connections;
  private long closePending;
  private long connectStartedMs;
  private int connectFailures;
  private long downSinceMs = -1;
  private long lastHeardMs;

  // Sending.
  private long nextSeq = 1;
  private long round;
  private final ArrayDeque<Sent> inflight = new ArrayDeque<>();
  private long highestSentSeq;
  private int headAttempts;
  private int busyRefusals;
  private long retryAtMs;
  private long headSinceMs = -1;

  // Operator.
  private long pausedSeq;
  private boolean markApplied;
  private boolean markInflight;
  private long markNotBeforeMs;

  private boolean stopped;

  ParticipantStream(String participant, DispatcherSettings settings, JitterSource jitter) {
    this.participant = participant;
    this.settings = settings;
    this.backoff = new BackoffPolicy(settings.backoffInitialMs(), settings.backoffMaxMs());
    this.jitter = jitter;
  }

  // ------------------------------------------------------------------ inputs: the table

  /**
   * What the table says of the participant now: its replicated watermark, its last assigned seq,
   * and whether it announced an endpoint. Numbers that go back are ignored (the table's never do;
   * a reader that lags behind must not undo what this stream learned).
   */
  void observe(long tableWatermark, long tableLastSeq, boolean endpointKnown, long nowMs) {
    watermark = Math.max(watermark, tableWatermark);
    lastSeq = Math.max(lastSeq, tableLastSeq);
    hasEndpoint = endpointKnown;
    headStale = true;
    if (watermark > ackedSeq) {
      acknowledged(watermark, nowMs);
    }
    if (!hasWork()) {
      headSinceMs = -1;
    } else if (headSinceMs < 0) {
      headSinceMs = nowMs;
    }
  }

  /** What to read from the table before the next step, or null when nothing. */
  ReadRequest readRequest() {
    if (stopped) {
      return null;
    }
    int windowMax = Math.min(settings.inflightMax(), settings.pendingReadMax());
    if (refreshNeeded) {
      return new ReadRequest(ackedSeq, windowMax);
    }
    if (pausedSeq != 0) {
      // Only the head's state can unpause the stream: watch it, once per look at the table.
      return headStale ? new ReadRequest(ackedSeq, 1) : null;
    }
    long have = calls.isEmpty() ? ackedSeq : calls.lastKey();
    long want = Math.min(lastSeq, ackedSeq + settings.inflightMax());
    if (have >= want) {
      return null;
    }
    return new ReadRequest(have, (int) Math.min(want - have, settings.pendingReadMax()));
  }

  /**
   * The table's answer to request: the participant's calls with seq above request.afterSeq, in
   * seq order and contiguous (the table keeps seqs above a watermark contiguous).
   *
   * @throws IllegalStateException when the calls are not what the table promises
   */
  void feed(ReadRequest request, List<Phase2Record> read, long nowMs) {
    long expected = request.afterSeq() + 1;
    for (Phase2Record call : read) {
      if (call.seq() != expected++ || !call.participant().equals(participant)) {
        throw new IllegalStateException("table read for " + participant + " after "
            + request.afterSeq() + " is not contiguous: " + read);
      }
    }
    if (refreshNeeded && request.afterSeq() == ackedSeq) {
      calls.clear();
      refreshNeeded = false;
    }
    if (request.afterSeq() == ackedSeq) {
      headStale = false;
    }
    for (Phase2Record call : read) {
      if (call.seq() > ackedSeq) {
        lastSeq = Math.max(lastSeq, call.seq());
        calls.put(call.seq(), call);
      }
    }
    checkHead(nowMs);
  }

  /** Pauses on a head an earlier leader marked, resumes on a head an operator resolved. */
  private void checkHead(long nowMs) {
    Phase2Record head = calls.get(ackedSeq + 1);
    if (head == null) {
      return;
    }
    if (head.state() == BranchState.NEEDS_OPERATOR) {
      if (pausedSeq == 0) {
        LOG.warn("Phase-2 call {}#{} needs an operator; holding the participant's stream",
            participant, head.seq());
        pause(head.seq());
      }
      markApplied = true;
    } else if (head.state() == BranchState.RESOLVED_BY_OPERATOR && pausedSeq == head.seq()) {
      LOG.info("Phase-2 call {}#{} was resolved by an operator; delivering it as such",
          participant, head.seq());
      pausedSeq = 0;
      headAttempts = 0;
      retryAtMs = nowMs;
      rewind(head.seq());
    }
  }

  // ------------------------------------------------------------------ inputs: the connection

  /** The connection id opened; calls can go. */
  void connected(long id, long nowMs) {
    if (id != connectionId || connection != Connection.CONNECTING || stopped) {
      return;
    }
    connection = Connection.CONNECTED;
    downSinceMs = -1;
    lastHeardMs = nowMs;
    // Resend from the first unacknowledged seq, with states re-read: an operator may have
    // resolved a call while the participant was away.
    rewind(ackedSeq + 1);
    refreshNeeded = true;
  }

  /** The connection id could not be opened, or closed. */
  void disconnected(long id, long nowMs) {
    if (id != connectionId || connection == Connection.DISCONNECTED || stopped) {
      return;
    }
    lost(nowMs, "connection closed");
  }

  /** The endpoint the table names changed: drop the connection and dial the new one at once. */
  void endpointChanged(long nowMs) {
    connectFailures = 0;
    retryAtMs = nowMs;
    if (connection != Connection.DISCONNECTED) {
      closePending = connectionId;
      connection = Connection.DISCONNECTED;
      inflight.clear();
      rewind(ackedSeq + 1);
      refreshNeeded = true;
    }
  }

  private void lost(long nowMs, String why) {
    connection = Connection.DISCONNECTED;
    connectFailures++;
    long delayMs = backoff.delayMs(connectFailures, jitter);
    retryAtMs = Math.max(retryAtMs, nowMs + delayMs);
    inflight.clear();
    rewind(ackedSeq + 1);
    refreshNeeded = true;
    if (downSinceMs < 0 && hasWork()) {
      downSinceMs = nowMs;
    }
    LOG.debug("Participant {}: {}; reconnecting in {} ms (failure {})", participant, why,
        delayMs, connectFailures);
  }

  private void closeAndRetry(long nowMs, String why) {
    closePending = connectionId;
    lost(nowMs, why);
  }

  // ------------------------------------------------------------------ inputs: the participant

  /** An answer on connection id. */
  void ack(long id, Phase2Ack ack, long nowMs) {
    if (id != connectionId || connection != Connection.CONNECTED || stopped) {
      return;
    }
    if (!ack.getParticipant().equals(participant)) {
      LOG.warn("Participant {} answered for {}; ignored", participant, ack.getParticipant());
      return;
    }
    lastHeardMs = nowMs;
    connectFailures = 0;
    Sent sent = match(ack.getSeq());
    boolean current = sent != null && sent.round() == round;
    Outcome outcome = Outcome.fromCode(ack.getOutcome());
    if (outcome == Outcome.STALE_TERM) {
      stop("participant has seen term " + Long.toUnsignedString(ack.getTerm()));
      return;
    }
    cumulative(ack.getAppliedSeq(), nowMs);
    switch (outcome) {
      case OK -> { }
      case SEQ_GAP -> {
        if (current) {
          rewind(ackedSeq + 1);
        }
      }
      case UNKNOWN_PARTICIPANT -> closeAndRetry(nowMs, "endpoint does not host it");
      case PHASE2_FAILED, CONFIRM_WITHOUT_TRY -> {
        if (current) {
          failed(ack.getSeq(), outcome, ack.getMessage(), nowMs);
        }
      }
      default -> {
        if (current && outcome.isTransient()) {
          busy(ack.getSeq(), outcome, nowMs);
        } else if (current) {
          failed(ack.getSeq(), outcome, ack.getMessage(), nowMs);
        }
      }
    }
  }

  /** Takes the answered send off the queue; null for an answer to nothing sent (a duplicate). */
  private Sent match(long seq) {
    Sent front = inflight.peekFirst();
    if (front == null) {
      return null;
    }
    if (front.seq() == seq) {
      return inflight.pollFirst();
    }
    // Out of order: the participant skipped answers. Treat the older sends as answered.
    if (inflight.stream().noneMatch(sent -> sent.seq() == seq)) {
      return null;
    }
    Sent sent;
    do {
      sent = inflight.pollFirst();
    } while (sent.seq() != seq);
    return sent;
  }

  private void cumulative(long appliedSeq, long nowMs) {
    if (appliedSeq <= ackedSeq) {
      return;
    }
    if (appliedSeq > Math.max(lastSeq, highestSentSeq)) {
      // The table ignores such an ack too: no participant applies a seq never assigned.
      LOG.warn("Participant {} claims seq {} applied, beyond the last assigned {}; ignored",
          participant, appliedSeq, lastSeq);
      return;
    }
    acknowledged(appliedSeq, nowMs);
  }

  private void acknowledged(long appliedSeq, long nowMs) {
    ackedSeq = appliedSeq;
    calls.headMap(appliedSeq, true).clear();
    nextSeq = Math.max(nextSeq, appliedSeq + 1);
    headAttempts = 0;
    busyRefusals = 0;
    headSinceMs = hasWork() ? nowMs : -1;
    if (connection == Connection.CONNECTED) {
      retryAtMs = Math.min(retryAtMs, nowMs);
    }
    if (pausedSeq != 0 && pausedSeq <= appliedSeq) {
      LOG.info("Participant {} applied {}#{} after all; resuming", participant, participant,
          pausedSeq);
      pausedSeq = 0;
    }
  }

  private void failed(long seq, Outcome outcome, String message, long nowMs) {
    if (seq <= ackedSeq) {
      return;
    }
    long head = ackedSeq + 1;
    if (seq == head) {
      headAttempts++;
    }
    if (headAttempts >= settings.attemptsMax()) {
      LOG.warn("Phase-2 call {}#{} failed {} times ({}: {}); it needs an operator", participant,
          head, headAttempts, outcome, message);
      pause(head);
      markApplied = false;
    } else {
      long delayMs = backoff.delayMs(Math.max(1, headAttempts), jitter);
      retryAtMs = Math.max(retryAtMs, nowMs + delayMs);
      LOG.debug("Phase-2 call {}#{} failed ({}: {}); attempt {} of {}, retry in {} ms",
          participant, seq, outcome, message, headAttempts, settings.attemptsMax(), delayMs);
    }
    rewind(head);
  }

  /** The endpoint is overloaded or shutting down: back off and resend, without an attempt. */
  private void busy(long seq, Outcome outcome, long nowMs) {
    busyRefusals++;
    long delayMs = backoff.delayMs(busyRefusals, jitter);
    retryAtMs = Math.max(retryAtMs, nowMs + delayMs);
    LOG.debug("Participant {} refused seq {} with {}; resending in {} ms", participant, seq,
        outcome, delayMs);
    rewind(ackedSeq + 1);
  }

  private void pause(long seq) {
    pausedSeq = seq;
    markInflight = false;
    rewind(seq);
  }

  private void rewind(long fromSeq) {
    round++;
    nextSeq = Math.max(fromSeq, ackedSeq + 1);
  }

  private void stop(String why) {
    LOG.warn("Participant {}: {}; this leader is deposed, stopping its stream", participant, why);
    stopped = true;
    if (connection != Connection.DISCONNECTED) {
      closePending = connectionId;
      connection = Connection.DISCONNECTED;
    }
    inflight.clear();
  }

  // ------------------------------------------------------------------ inputs: the log

  /** The caller put ackUpTo into a proposal. */
  void ackProposed(long seq) {
    ackProposedSeq = Math.max(ackProposedSeq, seq);
  }

  /** A proposal carrying an ack up to seq failed: offer the ack again. */
  void ackNotApplied(long seq) {
    if (seq <= ackProposedSeq) {
      ackProposedSeq = watermark;
    }
  }

  /** The caller proposed MarkNeedsOperator for seq. */
  void markProposed(long seq) {
    if (seq == pausedSeq) {
      markInflight = true;
    }
  }

  /** The mark for seq was applied (applied) or not; a failed one is offered again later. */
  void markDone(long seq, boolean applied, long nowMs) {
    if (seq != pausedSeq) {
      return;
    }
    markInflight = false;
    markApplied |= applied;
    if (!applied) {
      markNotBeforeMs = nowMs + backoff.delayMs(1, jitter);
    }
  }

  // ------------------------------------------------------------------ the step

  /** What to do now. Call after the inputs of this moment. */
  StreamStep step(long nowMs) {
    if (stopped) {
      long close = closePending;
      closePending = 0;
      return close == 0 ? StreamStep.NONE
          : new StreamStep(close, 0, 0, List.of(), 0, 0, 0);
    }
    checkTimeouts(nowMs);
    long close = closePending;
    closePending = 0;
    long open = 0;
    if (connection != Connection.CONNECTED && !hasWork()) {
      downSinceMs = -1;
    }
    if (connection == Connection.DISCONNECTED && hasWork()) {
      if (downSinceMs < 0) {
        downSinceMs = nowMs;
      }
      if (hasEndpoint && nowMs >= retryAtMs) {
        open = ++connections;
        connectionId = open;
        connection = Connection.CONNECTING;
        connectStartedMs = nowMs;
      }
    }
    List<Phase2Record> send = new ArrayList<>();
    int resent = 0;
    // After a (re)connect the buffer waits for a fresh read: states may have changed meanwhile.
    if (connection == Connection.CONNECTED && pausedSeq == 0 && !refreshNeeded
        && nowMs >= retryAtMs) {
      resent = fillWindow(send, nowMs);
    }
    long ackUpTo = ackedSeq > Math.max(watermark, ackProposedSeq) ? ackedSeq : 0;
    long mark = pausedSeq != 0 && !markApplied && !markInflight && nowMs >= markNotBeforeMs
        ? pausedSeq : 0;
    if (close == 0 && open == 0 && send.isEmpty() && ackUpTo == 0 && mark == 0) {
      return StreamStep.NONE;
    }
    return new StreamStep(close, open, send.isEmpty() ? 0 : connectionId, send, resent, ackUpTo,
        mark);
  }

  /** Adds the calls the window allows, in seq order; returns how many are resends. */
  private int fillWindow(List<Phase2Record> send, long nowMs) {
    int resent = 0;
    while (inflight.size() < settings.inflightMax()
        && nextSeq <= ackedSeq + settings.inflightMax()) {
      Phase2Record call = calls.get(nextSeq);
      if (call == null) {
        break;
      }
      if (call.state() == BranchState.NEEDS_OPERATOR) {
        // Never send past a call an operator must look at; at the head it pauses the stream.
        checkHead(nowMs);
        break;
      }
      if (inflight.isEmpty()) {
        lastHeardMs = nowMs;
      }
      send.add(call);
      resent += call.seq() <= highestSentSeq ? 1 : 0;
      highestSentSeq = Math.max(highestSentSeq, call.seq());
      inflight.addLast(new Sent(call.seq(), round));
      nextSeq++;
    }
    return resent;
  }

  private void checkTimeouts(long nowMs) {
    if (connection == Connection.CONNECTED && !inflight.isEmpty()
        && nowMs - lastHeardMs >= settings.replyTimeoutMs()) {
      LOG.warn("Participant {} answered nothing for {} ms with {} calls outstanding; reconnecting",
          participant, nowMs - lastHeardMs, inflight.size());
      closeAndRetry(nowMs, "no answer");
    } else if (connection == Connection.CONNECTING
        && nowMs - connectStartedMs >= 2 * settings.connectTimeoutMs()) {
      // The transport reports every attempt's end; this only bounds a report that never came.
      closeAndRetry(nowMs, "connect attempt never ended");
    }
  }

  // ------------------------------------------------------------------ what it knows

  private boolean hasWork() {
    return lastSeq > ackedSeq || !calls.isEmpty();
  }

  String participant() {
    return participant;
  }

  /** The highest seq the participant acknowledged (in memory; may be ahead of the watermark). */
  long ackedSeq() {
    return ackedSeq;
  }

  /** The replicated watermark as last observed. */
  long watermark() {
    return watermark;
  }

  /** The last assigned seq as last observed. */
  long lastSeq() {
    return lastSeq;
  }

  /** The next seq to write. */
  long nextSeq() {
    return nextSeq;
  }

  /** Calls written and not yet answered. */
  int inflight() {
    return inflight.size();
  }

  Connection connection() {
    return connection;
  }

  /** Consecutive explicit failures of the head call. */
  int headAttempts() {
    return headAttempts;
  }

  /** No call is sent before this time (a retry's backoff). */
  long retryAtMs() {
    return retryAtMs;
  }

  /** The seq the stream holds for an operator, or 0. */
  long pausedSeq() {
    return pausedSeq;
  }

  boolean isStopped() {
    return stopped;
  }

  /** How long the participant has been unreachable while it had calls to receive; 0 if not. */
  long downForMs(long nowMs) {
    return downSinceMs < 0 ? 0 : Math.max(0, nowMs - downSinceMs);
  }

  /**
   * How long the oldest unacknowledged call has waited, as this stream saw it (from when it first
   * saw the call at the head): the confirm lag. 0 when nothing waits.
   */
  long headAgeMs(long nowMs) {
    return hasWork() && headSinceMs >= 0 ? Math.max(0, nowMs - headSinceMs) : 0;
  }

  /** Connection attempts so far (the first included). */
  long connections() {
    return connections;
  }

  @Override
  public String toString() {
    return "ParticipantStream[" + participant + " " + connection + " acked " + ackedSeq
        + " next " + nextSeq + " watermark " + watermark + " last " + lastSeq + " inflight "
        + inflight.size() + (pausedSeq != 0 ? " paused at " + pausedSeq : "")
        + (stopped ? " stopped" : "") + "]";
  }
}
