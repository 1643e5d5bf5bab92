package dev.sequent.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link TccTransaction#execute()} did: began, tried every branch, then decided.
 *
 * @param xid the transaction id
 * @param begun the cluster's answer to begin; when it is not OK nothing else ran
 * @param tries each branch's try answer by branch id, in the order the branches were added (empty
 *     when begin was refused)
 * @param decision CONFIRM when every try answered OK, CANCEL otherwise; null when begin was
 *     refused
 * @param decided the cluster's answer to the decision, or null when begin was refused. {@code
 *     DECISION_CONFLICT} after CONFIRM means the transaction had expired and was cancelled.
 */
public record TransactionResult(String xid, TxnResult begun, Map<String, TryResult> tries,
    Decision decision, TxnResult decided) {

  public TransactionResult {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(begun, "begun");
    tries = Collections.unmodifiableMap(new LinkedHashMap<>(tries));
  }

  /** True when the cluster applied CONFIRM: every branch will be confirmed. */
  public boolean confirmed() {
    return decision == Decision.CONFIRM && decided != null && decided.isOk();
  }
}
