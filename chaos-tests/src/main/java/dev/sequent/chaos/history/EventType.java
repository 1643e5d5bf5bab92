package dev.sequent.chaos.history;

/**
 * What an event says about its operation, as in Jepsen: the client is about to run it, or how it
 * completed. Files spell these in lower case.
 */
public enum EventType {
  /** The client is about to run the operation. */
  INVOKE,
  /** It happened: for a transfer, the cluster confirmed it. */
  OK,
  /** It certainly did not happen: for a transfer, the cluster cancelled it or never began it. */
  FAIL,
  /** Unknown (timed out, connection lost): it may or may not have happened, or happen later. */
  INFO;

  /** True for the three completions. */
  public boolean completes() {
    return this != INVOKE;
  }
}
