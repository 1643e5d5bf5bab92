package dev.sequent.coordinator.dispatch;

import dev.sequent.coordinator.table.Phase2Record;
import java.util.List;

/**
 * What one step of a {@link ParticipantStream} asks its caller to do, in this order: close a
 * connection, open one, write calls on one (in seq order, one flush), then propose an ack and a
 * needs-operator mark into the log. Zero means "nothing" for each id and seq.
 *
 * @param closeConnection id of a connection to close
 * @param openConnection id to give a new connection to the participant's endpoint
 * @param sendConnection id of the connection to write {@code send} on
 * @param send calls to write, in seq order; a call in state RESOLVED_BY_OPERATOR goes with
 *     {@code operator_resolved} set
 * @param resent how many of {@code send} were sent before (retries)
 * @param ackUpTo propose that the participant applied every seq up to this one
 * @param markNeedsOperator propose MarkNeedsOperator for this seq
 */
record StreamStep(
    long closeConnection,
    long openConnection,
    long sendConnection,
    List<Phase2Record> send,
    int resent,
    long ackUpTo,
    long markNeedsOperator) {

  static final StreamStep NONE = new StreamStep(0, 0, 0, List.of(), 0, 0, 0);

  StreamStep {
    send = List.copyOf(send);
  }

  boolean isEmpty() {
    return equals(NONE);
  }

  /** The seqs of {@code send}, for tests and logs. */
  List<Long> sentSeqs() {
    return send.stream().map(Phase2Record::seq).toList();
  }
}
