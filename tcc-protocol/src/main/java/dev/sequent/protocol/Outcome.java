package dev.sequent.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * The result of a request, as a stable numeric code carried on the wire.
 *
 * <p>Codes are never reused or renumbered: a retired outcome keeps its code forever. {@link
 * #isTransient()} tells a client whether retrying the same request (same xid) can succeed: transient
 * outcomes come from the cluster's condition (no leader, overload, a timeout), the others from the
 * request itself or from the state of its transaction, and repeat on every retry.
 */
public enum Outcome {
  OK(0, false),

  // 1-9: the cluster's condition. Retry, with backoff, possibly elsewhere.
  NOT_LEADER(1, true),
  UNAVAILABLE(2, true),
  TIMEOUT(3, true),
  OVERLOADED(4, true),
  SHUTTING_DOWN(5, true),

  // 10-19: the request or its frame is malformed. Retrying the same bytes fails again.
  MALFORMED(10, false),
  FRAME_TOO_LARGE(11, false),
  UNSUPPORTED_VERSION(12, false),
  UNKNOWN_MESSAGE_TYPE(13, false),
  INVALID_ARGUMENT(14, false),

  // 20-29: the transaction's state refuses the request.
  TXN_NOT_FOUND(20, false),
  /** Begin with an xid that already names a transaction with other content. */
  XID_CONFLICT(21, false),
  /** Register after the transaction left TRYING. */
  NOT_TRYING(22, false),
  /** The opposite decision was already applied; decisions never flip. */
  DECISION_CONFLICT(23, false),
  /** Register of a branch id that already names a branch with other content. */
  BRANCH_CONFLICT(24, false),
  /** An operator command names a phase-2 call that was never assigned. */
  PHASE2_CALL_NOT_FOUND(25, false),

  // 30-39: a configured limit refuses the request.
  TOO_MANY_BRANCHES(30, false),
  PAYLOAD_TOO_LARGE(31, false),
  /** Too many transactions in TRYING: back-pressure, so retrying later can succeed. */
  TOO_MANY_ACTIVE_TXNS(32, true),
  TIMEOUT_OUT_OF_RANGE(33, false),
  /** A command carries more items (acks, expiries) than one command may. */
  BATCH_TOO_LARGE(34, false),

  // 40-49: phase two (participant answers).
  /** The participant has not applied the previous seq yet: the leader resends from its watermark. */
  SEQ_GAP(40, true),
  /** The call came from a leader whose term is older than one the participant has seen. */
  STALE_TERM(41, false),
  /** The endpoint hosts no participant of that name. */
  UNKNOWN_PARTICIPANT(42, false),
  /** The resource's onConfirm/onCancel failed; the leader retries with backoff. */
  PHASE2_FAILED(43, true),
  /** A confirm for a branch that never tried: the initiator broke the protocol; needs an operator. */
  CONFIRM_WITHOUT_TRY(44, false),

  // 50-59: phase one (participant answers to try).
  /** The resource's onTry refused or failed; the initiator must cancel. */
  TRY_FAILED(50, false),
  /** The branch was already cancelled (possibly an empty cancel): a late try must not run. */
  TRY_AFTER_CANCEL(51, false),

  // 60-69: the peer's identity (TLS). Retrying with the same credentials fails again.
  /** No acceptable credentials: plaintext on a TLS port, or a failed TLS handshake. */
  UNAUTHENTICATED(60, false),
  /** The peer's certificate identity may not make this request (or not connect at all). */
  PERMISSION_DENIED(61, false),

  // 90-99: the node itself.
  INTERNAL(99, false);

  private static final Map<Integer, Outcome> BY_CODE = new HashMap<>();

  static {
    for (Outcome outcome : values()) {
      Outcome previous = BY_CODE.put(outcome.code, outcome);
      if (previous != null) {
        throw new ExceptionInInitializerError("outcome code reused: " + outcome.code);
      }
    }
  }

  private final int code;
  private final boolean transientCondition;

  Outcome(int code, boolean transientCondition) {
    this.code = code;
    this.transientCondition = transientCondition;
  }

  /** The numeric code on the wire. */
  public int code() {
    return code;
  }

  /** True when retrying the same request may succeed. */
  public boolean isTransient() {
    return transientCondition;
  }

  /**
   * The outcome with this code, or {@link #INTERNAL} for a code this version does not know (a newer
   * peer's outcome must not crash an older client).
   */
  public static Outcome fromCode(int code) {
    Outcome outcome = BY_CODE.get(code);
    return outcome == null ? INTERNAL : outcome;
  }
}
