package dev.sequent.client;

import dev.sequent.protocol.Outcome;
import java.util.Objects;

/**
 * The cluster's answer to one request.
 *
 * <p>Every answer that retrying cannot change arrives here, including refusals such as {@code
 * DECISION_CONFLICT}, {@code XID_CONFLICT}, {@code NOT_TRYING} or {@code TXN_NOT_FOUND}: they are
 * answers about the transaction, not failures of the client. Only giving up (see {@link
 * TccClientException}) completes a future exceptionally.
 *
 * @param outcome the outcome; never transient
 * @param txn the transaction after the request was applied, or null when the cluster did not send
 *     one (an unknown xid, or a refusal before the request reached the transaction)
 * @param message the node's explanation, empty when it gave none
 */
public record TxnResult(Outcome outcome, TxnSnapshot txn, String message) {

  public TxnResult {
    Objects.requireNonNull(outcome, "outcome");
    message = message == null ? "" : message;
  }

  /** True when the outcome is {@link Outcome#OK}. */
  public boolean isOk() {
    return outcome == Outcome.OK;
  }
}
