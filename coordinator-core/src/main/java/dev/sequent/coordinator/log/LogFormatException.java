package dev.sequent.coordinator.log;

/**
 * Bytes that are not a valid log entry or reply of a known format: truncated, too long, an unknown
 * version or tag, a length beyond the bytes left. An {@link IllegalArgumentException}, because the
 * input is at fault; the codec throws nothing else on bad input.
 */
public final class LogFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public LogFormatException(String message) {
    super(message);
  }

  public LogFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
