package dev.sequent.client.participant;

/**
 * A concurrent transaction created the same fence row first (a try and an empty cancel of one
 * branch racing). The store rolls back and re-runs the work, which then sees that row. Expected
 * and rare, so without a stack trace.
 */
final class FenceConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FenceConflictException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
