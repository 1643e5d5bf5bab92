package dev.sequent.chaos.sim;

/**
 * A known bug the simulator can plant, to show that it finds one within its budget. Each is
 * applied at the boundary of a real component, never inside production code: the production
 * classes carry no fault-injection hooks.
 */
public enum PlantedBug {
  /** No bug: the real components as they are. */
  NONE,
  /**
   * The fence forgets an empty cancel: after a cancel that found no try, the CANCELLED_EMPTY row
   * is deleted, so a late try is no longer refused and reserves funds of a cancelled txn
   * (suspension).
   */
  FENCE_FORGETS_EMPTY_CANCEL,
  /**
   * The dispatcher takes the seq it sent as applied, skipping the check of the participant's
   * applied seq: any answer, a refusal included, moves the acknowledged seq (and then the
   * replicated watermark) to the call's seq.
   */
  DISPATCHER_TRUSTS_SENT_SEQ,
  /**
   * The leader never proposes expiry: a txn whose initiator died before deciding stays TRYING
   * for ever. No safety invariant breaks; only the liveness phase can see it.
   */
  LEADER_NEVER_EXPIRES
}
