package dev.sequent.client;

import dev.sequent.protocol.Outcome;
import java.util.List;

/**
 * The client gave up on a request: the operation timeout ran out while the cluster kept answering
 * with transient outcomes (or not at all), the client was closed, or the caller stopped waiting.
 *
 * <p>Be honest about what it means: once an attempt was sent, the request may have been applied by
 * the cluster even though no answer came back. Retrying with the same xid is safe, since every
 * request is idempotent by xid (and branch id); {@code status(xid)} tells what happened.
 */
public final class TccClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Outcome lastOutcome;
  private final List<String> attempts;
  private final int attemptsMade;

  TccClientException(String message, Outcome lastOutcome, List<String> attempts,
      int attemptsMade) {
    super(message);
    this.lastOutcome = lastOutcome;
    this.attempts = List.copyOf(attempts);
    this.attemptsMade = attemptsMade;
  }

  /** The last outcome a node answered with, or null when no node answered at all. */
  public Outcome lastOutcome() {
    return lastOutcome;
  }

  /**
   * One line per attempt and what came of it, oldest first (the oldest are dropped beyond a bound;
   * {@link #attemptsMade()} counts them all).
   */
  public List<String> attempts() {
    return attempts;
  }

  /** How many attempts were sent. Zero means the request never left this process. */
  public int attemptsMade() {
    return attemptsMade;
  }
}
