package dev.sequent.storage;

import java.nio.file.Path;
import java.util.Set;

/**
 * A domain-free, durable key-value state with named keyspaces, written only in atomic batches that
 * also record the {@link AppliedIndex} they bring the state to.
 *
 * <p>Contract, for every implementation (see the contract test suite, {@code StateStoreContract}):
 *
 * <ul>
 *   <li>{@link #commit} is atomic: after a crash either all of a batch and its applied index are
 *       visible, or none of it. Commits do not fsync: the Raft log is the durable record and
 *       replays what a crash lost; {@link #checkpoint} is what makes state durable.
 *   <li>The applied index never goes backwards: committing below the current one is refused (an
 *       equal one is allowed).
 *   <li>Reads may run on any thread, concurrently with one writer; a read (one get, or one whole
 *       scan) sees whole batches only. Two reads may straddle a commit. A scan's visitor must not
 *       commit to, or close, the store it is scanning.
 *   <li>{@link #checkpoint} writes a consistent copy (state and applied index) into a directory
 *       that must not exist yet; opening that directory with the same implementation yields the
 *       same state and applied index, and later commits to either do not reach the other.
 *   <li>Keyspace names are 1 to 255 characters; "default" and "sequent.meta" are reserved. A
 *       store reopened with fewer keyspaces keeps the others' data but does not expose it.
 *   <li>After {@link #close}, every operation but {@link #close} and {@link #keyspaces} throws
 *       {@link IllegalStateException}.
 *   <li>Every failure of the medium is a {@link StorageException}.
 * </ul>
 */
public interface StateStore extends StateReader, AutoCloseable {

  /** The keyspaces this store was opened with (immutable, iterating in name order). */
  Set<String> keyspaces();

  /** The applied index of the last committed batch, or {@link AppliedIndex#NONE}. */
  AppliedIndex appliedIndex();

  /** A new, empty set of staged writes that reads through to this store. */
  default StagedWrites stage() {
    return new StagedWrites(this, keyspaces());
  }

  /**
   * Writes the staged mutations and the applied index in one atomic batch.
   *
   * @throws IllegalArgumentException if applied is below {@link #appliedIndex()}, or the writes
   *     were staged on another store (nothing is written then)
   * @throws StorageException if the medium failed; the store must then be treated as broken
   */
  void commit(StagedWrites writes, AppliedIndex applied);

  /**
   * Writes a consistent, durable copy of the state and its applied index into targetDir, which
   * must not exist (its parent must). Commits wait while it runs. Returns the applied index the
   * copy holds.
   *
   * @throws IllegalArgumentException if targetDir exists or its parent is not a directory
   * @throws StorageException if the copy could not be written
   */
  AppliedIndex checkpoint(Path targetDir);

  /** Releases every resource (native handles included). Idempotent. */
  @Override
  void close();
}
