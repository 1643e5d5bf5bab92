package dev.sequent.client;

/** The state of a transaction as the cluster holds it. */
public enum TxnState {
  /** Branches may still register; no decision yet. */
  TRYING,
  /** Decided CONFIRM; phase-2 confirms are being delivered. */
  CONFIRMING,
  /** Every branch's confirm was acknowledged. */
  CONFIRMED,
  /** Decided CANCEL (by the initiator or by the deadline); cancels are being delivered. */
  CANCELLING,
  /** Every branch's cancel was acknowledged. */
  CANCELLED,
  /** A state this client version does not know (sent by a newer node). */
  UNKNOWN
}
