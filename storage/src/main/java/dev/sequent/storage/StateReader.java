package dev.sequent.storage;

/**
 * Reads of a key-value state split into named keyspaces. Keys order as unsigned bytes,
 * lexicographically (the order of RocksDB's default comparator).
 *
 * <p>Reading an unknown keyspace is a programming error: {@link IllegalArgumentException}.
 */
public interface StateReader {

  /** The value stored under key (a copy), or null when there is none. */
  byte[] get(String keyspace, byte[] key);

  /**
   * Visits the entries whose keys lie in the half-open range [fromInclusive, toExclusive), in key
   * order, until the visitor returns false. A null bound means unbounded on that side; a range
   * whose fromInclusive is not below toExclusive is empty.
   */
  void scan(String keyspace, byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor);

  /** Visits the entries whose keys start with prefix, in key order, until the visitor stops. */
  default void scanPrefix(String keyspace, byte[] prefix, EntryVisitor visitor) {
    scan(keyspace, prefix, Keys.prefixEnd(prefix), visitor);
  }
}
