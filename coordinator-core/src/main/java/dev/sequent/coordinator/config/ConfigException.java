package dev.sequent.coordinator.config;

/** A configuration that cannot start a node; the message names the key and what is wrong. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
