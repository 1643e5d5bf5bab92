package dev.sequent.chaos.history;

import java.util.Objects;

/**
 * One line of a history: an operation's invoke, or its completion by the same process.
 *
 * @param index the event's position in its history, from 0
 * @param type invoke, ok, fail or info
 * @param process the client process that ran the operation; it runs one operation at a time
 * @param timeNs nanoseconds since the history began, never decreasing along the history
 * @param op the operation: the same transfer on its invoke and completion; for a read, empty on
 *     the invoke and what was seen on an ok
 * @param error for fail and info, why (may be empty); always empty for invoke and ok
 */
public record Event(long index, EventType type, int process, long timeNs, Op op, String error) {

  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(op, "op");
    error = error == null ? "" : error;
    if (index < 0 || process < 0 || timeNs < 0) {
      throw new IllegalArgumentException("index, process and time must not be negative: index "
          + index + ", process " + process + ", time " + timeNs);
    }
    if (!error.isEmpty() && (type == EventType.INVOKE || type == EventType.OK)) {
      throw new IllegalArgumentException("an " + type + " event carries no error, had '"
          + error + "'");
    }
  }

  /** Shorthand for the transfer of a transfer event (throws for a read). */
  public Transfer transfer() {
    if (op.kind() != OpKind.TRANSFER) {
      throw new IllegalStateException("event " + index + " is a " + op.kind());
    }
    return (Transfer) op;
  }

  /** Shorthand for the read of a read event (throws for a transfer). */
  public Read read() {
    if (op.kind() != OpKind.READ) {
      throw new IllegalStateException("event " + index + " is a " + op.kind());
    }
    return (Read) op;
  }
}
