package dev.sequent.client;

/** Where a branch's phase-2 call (confirm or cancel) stands. */
public enum Phase2State {
  /** No decision yet: the branch is in its try phase. */
  NOT_DECIDED,
  /** Decided; the call waits for its participant's ack. */
  PENDING,
  /** The participant acknowledged the call. */
  ACKED,
  /** Delivery gave up after its attempt limit; an operator must resolve it. */
  NEEDS_OPERATOR,
  /** An operator resolved the branch by hand. */
  RESOLVED_BY_OPERATOR,
  /** A state this client version does not know (sent by a newer node). */
  UNKNOWN
}
