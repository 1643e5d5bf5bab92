package dev.sequent.coordinator.table;

/**
 * A change of a txn's lifecycle, reported by the applier at the moment it makes it: what metrics
 * count. Each change happens once per txn (a retry, a repeat or a refused command changes nothing
 * and reports nothing), so an observer counts them without reading the store.
 *
 * @param kind what happened
 * @param xid the txn
 * @param decision the txn's decision; null for {@link Kind#BEGUN}
 * @param beganAtMs cluster time of its begin
 * @param decidedAtMs cluster time of its decision, or {@link TxnView#UNKNOWN_MS} when not decided
 *     or decided by a version that did not record it
 */
public record TxnChange(Kind kind, String xid, Decision decision, long beganAtMs,
    long decidedAtMs) {

  /** The lifecycle steps. */
  public enum Kind {
    /** The begin that created the txn. */
    BEGUN,
    /** The initiator's decision on a TRYING txn. */
    DECIDED,
    /** The expiry sweep cancelled a TRYING txn past its deadline. */
    EXPIRED,
    /**
     * Phase two ended: the last open branch was acknowledged or resolved by an operator. A txn
     * without branches, final at its decision, has no phase two and reports no FINISHED.
     */
    FINISHED
  }

  static TxnChange of(Kind kind, TxnRecord txn) {
    return new TxnChange(kind, txn.xid(), txn.state().decision(), txn.beganAtMs(),
        txn.decidedAtMs());
  }
}
