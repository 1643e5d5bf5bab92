package dev.sequent.storage;

import java.util.Set;

/**
 * Puts and deletes staged for one atomic {@link StateStore#commit}, readable before they are
 * written: {@link #get} and {@link #scan} see the staged mutations over the store's state
 * (read-your-writes), so several commands applied in one batch each see the ones before them.
 *
 * <p>Not thread-safe: one apply owns it. A later put or delete of the same key replaces the earlier.
 */
public final class StagedWrites implements StateReader {

  // TODO(storage helper): implement. Signatures below are the contract other modules compile against.

  StagedWrites(StateReader base, Set<String> keyspaces) {
    throw new UnsupportedOperationException("not built yet");
  }

  /** Stages value under key (both copied). */
  public void put(String keyspace, byte[] key, byte[] value) {
    throw new UnsupportedOperationException("not built yet");
  }

  /** Stages the removal of key. */
  public void delete(String keyspace, byte[] key) {
    throw new UnsupportedOperationException("not built yet");
  }

  /** True when nothing is staged. */
  public boolean isEmpty() {
    throw new UnsupportedOperationException("not built yet");
  }

  @Override
  public byte[] get(String keyspace, byte[] key) {
    throw new UnsupportedOperationException("not built yet");
  }

  @Override
  public void scan(String keyspace, byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor) {
    throw new UnsupportedOperationException("not built yet");
  }
}
