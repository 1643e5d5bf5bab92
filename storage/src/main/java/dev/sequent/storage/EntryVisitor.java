package dev.sequent.storage;

/** Receives the entries of a scan in key order. */
@FunctionalInterface
public interface EntryVisitor {
  /**
   * Called once per entry. The arrays belong to the visitor (copies), so it may keep them.
   *
   * @return true to continue the scan, false to stop it
   */
  boolean visit(byte[] key, byte[] value);
}
