package dev.sequent.storage;

/**
 * The store could not read or write (disk full, I/O error, corruption). This is never a business
 * outcome: a node whose store fails must stop rather than go on with state it cannot trust.
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
