package dev.sequent.client;

import dev.sequent.protocol.Outcome;
import java.util.Objects;

/**
 * A node refused an operator's request: the arguments make no sense ({@code INVALID_ARGUMENT}),
 * the node cannot do it ({@code UNAVAILABLE}, {@code TIMEOUT} of a snapshot), or Raft refused a
 * membership change. The message is the node's explanation, fit for an operator to read. Expected,
 * so it carries no stack trace.
 */
public final class AdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Outcome outcome;

  AdminException(Outcome outcome, String message) {
    super(message, null, false, false);
    this.outcome = Objects.requireNonNull(outcome, "outcome");
  }

  /** The outcome the node answered with. */
  public Outcome outcome() {
    return outcome;
  }
}
