package dev.sequent.client;

import dev.sequent.protocol.Outcome;
import java.util.Objects;

/**
 * A participant's answer to a try.
 *
 * <p>{@link Outcome#OK}: the try's effects are reserved. {@link Outcome#TRY_FAILED}: the resource
 * refused or failed (the failure is recorded in its fence, so the cancel that must follow still
 * runs its {@code onCancel}). {@link Outcome#TRY_AFTER_CANCEL}: the branch was already cancelled,
 * so the try was refused (anti-suspension). Anything else names why no try ran (an unknown
 * participant, a refused registration, a bad request). Only {@code OK} lets the initiator confirm.
 *
 * @param outcome the outcome; never transient, except in a {@link TransactionResult}, where a try
 *     the client gave up on (the endpoint unreachable) is recorded as {@link Outcome#UNAVAILABLE}
 * @param message the participant's explanation, empty when it gave none
 */
public record TryResult(Outcome outcome, String message) {

  public TryResult {
    Objects.requireNonNull(outcome, "outcome");
    message = message == null ? "" : message;
  }

  /** True when the outcome is {@link Outcome#OK}. */
  public boolean isOk() {
    return outcome == Outcome.OK;
  }
}
