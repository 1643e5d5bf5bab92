package dev.sequent.client;

/**
 * One attempt got no answer: the node could not be reached, the connection closed under it, or
 * the answer did not come in time. Thrown often and expected, so without a stack trace.
 */
final class AttemptFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, as a low-cardinality metric tag. */
  enum Kind {
    CONNECT_FAILED("connect_failed"),
    CONNECTION_CLOSED("connection_closed"),
    NO_REPLY("no_reply");

    final String tag;

    Kind(String tag) {
      this.tag = tag;
    }
  }

  private final Kind kind;

  AttemptFailure(Kind kind, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
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
    return new AttemptFailure(Kind.CONNECTION_CLOSED, String.valueOf(current), current);
  }
}
