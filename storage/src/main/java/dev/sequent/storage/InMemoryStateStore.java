package dev.sequent.storage;

import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} held in memory, for deterministic simulation and for nodes that do not need
 * RocksDB. Its state is durable only through {@link #checkpoint}, whose directory {@link #open}
 * loads again (format: {@link CheckpointFile}).
 *
 * <p>Thread safety: a read-write lock. A commit holds the write lock for the whole batch, and every
 * read holds the read lock for its whole duration (a scan: until its visitor stops or the range
 * ends), so a read sees whole batches only. Consequently a scan's visitor must not commit to, or
 * close, the store it is scanning: that would wait for the scan to end, forever.
 */
public final class InMemoryStateStore implements StateStore {

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryStateStore.class);

  private final Set<String> keyspaces;
  // Every keyspace, including those a checkpoint held but this store was not opened with: they are
  // not readable, but a later checkpoint carries them on, as the RocksDB store does.
  private final Map<String, TreeMap<byte[], byte[]>> data = new TreeMap<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile AppliedIndex applied;
  private volatile boolean closed;

  private InMemoryStateStore(Set<String> keyspaces, AppliedIndex applied) {
    this.keyspaces = keyspaces;
    this.applied = applied;
    for (String keyspace : keyspaces) {
      data.put(keyspace, new TreeMap<>(Keys::compare));
    }
  }

  /**
   * A new, empty store with the given keyspaces, at {@link AppliedIndex#NONE}.
   *
   * @throws IllegalArgumentException if a keyspace name is empty or reserved ("default",
   *     "sequent.meta": the same rules as {@link RocksStateStore})
   */
  public static InMemoryStateStore create(Set<String> keyspaces) {
    return new InMemoryStateStore(KeyspaceNames.validate(keyspaces), AppliedIndex.NONE);
  }

  /**
   * A store holding the state and applied index of the checkpoint in dir (written by
   * {@link #checkpoint}). Keyspaces requested but absent from the checkpoint start empty; keyspaces
   * in the checkpoint but not requested are kept (and written to later checkpoints) but not
   * readable.
   *
   * @throws StorageException if dir holds no checkpoint, or a corrupt or unsupported one
   */
  public static InMemoryStateStore open(Path dir, Set<String> keyspaces) {
    Set<String> names = KeyspaceNames.validate(keyspaces);
    CheckpointFile.Contents contents = CheckpointFile.read(Objects.requireNonNull(dir, "dir"));
    InMemoryStateStore store = new InMemoryStateStore(names, contents.applied());
    for (Map.Entry<String, SortedMap<byte[], byte[]>> keyspace :
        contents.keyspaces().entrySet()) {
      TreeMap<byte[], byte[]> entries = new TreeMap<>(Keys::compare);
      entries.putAll(keyspace.getValue());
      store.data.put(keyspace.getKey(), entries);
    }
    LOG.info("opened in-memory store from {} at applied index {}", dir, contents.applied());
    return store;
  }

  @Override
  public Set<String> keyspaces() {
    return keyspaces;
  }

  @Override
  public AppliedIndex appliedIndex() {
    ensureOpen();
    return applied;
  }

  @Override
  public byte[] get(String keyspace, byte[] key) {
    Objects.requireNonNull(key, "key");
    Lock read = lock.readLock();
    read.lock();
    try {
      byte[] value = keyspace(keyspace).get(key);
      return value == null ? null : value.clone();
    } finally {
      read.unlock();
    }
  }

  @Override
  public void scan(
      String keyspace, byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor) {
    Objects.requireNonNull(visitor, "visitor");
    Lock read = lock.readLock();
    read.lock();
    try {
      NavigableMap<byte[], byte[]> entries = keyspace(keyspace);
      if (StagedWrites.isEmptyRange(fromInclusive, toExclusive)) {
        return;
      }
      for (Map.Entry<byte[], byte[]> entry : range(entries, fromInclusive, toExclusive)) {
        if (!visitor.visit(entry.getKey().clone(), entry.getValue().clone())) {
          return;
        }
      }
    } finally {
      read.unlock();
    }
  }

  @Override
  public void commit(StagedWrites writes, AppliedIndex applied) {
    Objects.requireNonNull(writes, "writes");
    Objects.requireNonNull(applied, "applied");
    if (!writes.isStagedOn(this)) {
      throw new IllegalArgumentException("writes were staged on another store");
    }
    Lock write = lock.writeLock();
    write.lock();
    try {
      ensureOpen();
      this.applied.requireNotAfter(applied);
      // The staged arrays are private to the StagedWrites and never mutated, so they are shared
      // rather than copied: every read hands out copies.
      writes.forEachMutation((keyspace, key, value) -> {
        TreeMap<byte[], byte[]> entries = data.get(keyspace);
        if (value == null) {
          entries.remove(key);
        } else {
          entries.put(key, value);
        }
      });
      this.applied = applied;
    } finally {
      write.unlock();
    }
  }

  @Override
  public AppliedIndex checkpoint(Path targetDir) {
    Checkpoints.requireNewDirectory(targetDir);
    CheckpointFile.Contents contents = snapshot();
    // Written outside the lock: the snapshot is a private copy, so commits need not wait for I/O.
    CheckpointFile.write(targetDir, contents);
    LOG.debug("checkpoint of in-memory store at {} written to {}", contents.applied(), targetDir);
    return contents.applied();
  }

  @Override
  public void close() {
    Lock write = lock.writeLock();
    write.lock();
    try {
      if (!closed) {
        closed = true;
        data.clear();
      }
    } finally {
      write.unlock();
    }
  }

  /** A consistent copy of the whole state: a map copy per keyspace (the arrays are immutable). */
  private CheckpointFile.Contents snapshot() {
    Lock read = lock.readLock();
    read.lock();
    try {
      ensureOpen();
      SortedMap<String, SortedMap<byte[], byte[]>> copy = new TreeMap<>();
      for (Map.Entry<String, TreeMap<byte[], byte[]>> keyspace : data.entrySet()) {
        copy.put(keyspace.getKey(), new TreeMap<>(keyspace.getValue()));
      }
      return new CheckpointFile.Contents(applied, copy);
    } finally {
      read.unlock();
    }
  }

  /** The entries of a readable keyspace; call with a lock held. */
  private TreeMap<byte[], byte[]> keyspace(String keyspace) {
    ensureOpen();
    if (!keyspaces.contains(Objects.requireNonNull(keyspace, "keyspace"))) {
      throw new IllegalArgumentException("unknown keyspace: " + keyspace);
    }
    return data.get(keyspace);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }

  private static Iterable<Map.Entry<byte[], byte[]>> range(
      NavigableMap<byte[], byte[]> map, byte[] fromInclusive, byte[] toExclusive) {
    NavigableMap<byte[], byte[]> from =
        fromInclusive == null ? map : map.tailMap(fromInclusive, true);
    return (toExclusive == null ? from : from.headMap(toExclusive, false)).entrySet();
  }
}
