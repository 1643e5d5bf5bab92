package dev.sequent.protocol.tls;

import javax.net.ssl.SSLException;

/** Telling TLS failures (handshake refused, not TLS at all) from other connection failures. */
public final class TlsFailures {
  /** How deep to look for an SSLException among causes (decoders wrap it once or twice). */
  private static final int CAUSE_DEPTH_MAX = 8;

  private TlsFailures() {}

  /** True when an {@link SSLException} is among the first causes. */
  public static boolean isTlsFailure(Throwable cause) {
    return tlsCause(cause) != null;
  }

  /** The TLS failure in one line ("SSLHandshakeException: ..."), or the cause as a string. */
  public static String describe(Throwable cause) {
    SSLException tls = tlsCause(cause);
    return tls == null ? String.valueOf(cause)
        : tls.getClass().getSimpleName() + ": " + tls.getMessage();
  }

  private static SSLException tlsCause(Throwable cause) {
    Throwable current = cause;
    for (int depth = 0; current != null && depth < CAUSE_DEPTH_MAX; depth++) {
      if (current instanceof SSLException tls) {
        return tls;
      }
      current = current.getCause();
    }
    return null;
  }
}
