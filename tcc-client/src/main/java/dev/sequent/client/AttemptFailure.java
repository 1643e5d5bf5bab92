package dev.sequent.client;

import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.tls.TlsFailures;

/**
 * One attempt got no answer: the node could not be reached, the connection closed under it, the
 * answer did not come in time, or the peer refused this client's credentials (TLS). Thrown often
 * and expected, so without a stack trace.
 */
final class AttemptFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, as a low-cardinality metric tag. */
  enum Kind {
    CONNECT_FAILED("connect_failed"),
    CONNECTION_CLOSED("connection_closed"),
    NO_REPLY("no_reply"),
    /**
     * The TLS handshake failed, or the peer refused this client's identity or its plaintext. No
     * request was served on that connection, and the same credentials get the same answer.
     */
    REFUSED("refused");

    final String tag;

    Kind(String tag) {
      this.tag = tag;
    }
  }

  private final Kind kind;
  private final Outcome outcome;

  AttemptFailure(Kind kind, String message, Throwable cause) {
    this(kind, null, message, cause);
  }

  /** @param outcome what the peer answered, or null when it answered nothing */
  AttemptFailure(Kind kind, Outcome outcome, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
    this.outcome = outcome;
  }

  Kind kind() {
    return kind;
  }

  /**
   * The outcome this failure stands for, or null: for a refusal, what the peer answered
   * (PERMISSION_DENIED, UNAUTHENTICATED), UNAUTHENTICATED for a failed TLS handshake.
   */
  Outcome outcome() {
    return outcome;
  }

  /**
   * A connection that ended because of {@code cause}: a refusal when TLS failed (the handshake,
   * or a peer that does not speak TLS), else a closed connection.
   */
  static AttemptFailure connectionEnded(String what, Throwable cause) {
    if (TlsFailures.isTlsFailure(cause)) {
      return new AttemptFailure(Kind.REFUSED, Outcome.UNAUTHENTICATED,
          what + ": TLS failed (" + TlsFailures.describe(cause) + "); check that the peer"
              + " speaks TLS, that each side trusts the CA of the other's certificate, and that"
              + " the certificate names the host dialled", cause);
    }
    return new AttemptFailure(Kind.CONNECTION_CLOSED, what + ": " + cause, cause);
  }

  /** The failure as an attempt failure, wrapping anything unexpected as a closed connection. */
  static AttemptFailure of(Throwable failure) {
    Throwable current = failure;
    while (current instanceof java.util.concurrent.CompletionException
        && current.getCause() != null) {
      current = current.getCause();
    }
    if (current instanceof AttemptFailure) {
      return (AttemptFailure) current;
    }
    if (TlsFailures.isTlsFailure(current)) {
      return connectionEnded("connection failed", current);
    }
    return new AttemptFailure(Kind.CONNECTION_CLOSED, String.valueOf(current), current);
  }
}
