package dev.sequent.client;

/** The decision for a whole transaction. Once the cluster applied one, it never flips. */
public enum Decision {
  /** Run every branch's confirm. */
  CONFIRM,
  /** Run every branch's cancel. */
  CANCEL
}
