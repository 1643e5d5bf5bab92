package dev.sequent.chaos.json;

/** The text is not JSON, or not the JSON a reader expected; the message says where and why. */
public final class JsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public JsonException(String message) {
    super(message);
  }
}
