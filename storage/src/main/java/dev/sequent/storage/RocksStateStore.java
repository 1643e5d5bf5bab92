package dev.sequent.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} in a RocksDB database: one column family per keyspace, plus a private
 * column family {@value KeyspaceNames#META} that holds the applied index and the store's format
 * version. Keyspace names "default" (RocksDB's own column family, left empty) and
 * {@value KeyspaceNames#META} are reserved.
 *
 * <p>A commit is one {@link WriteBatch} with every mutation and the applied index, written without
 * fsync (the column families share one write-ahead log, so the batch is atomic across them; the
 * Raft log, fsynced before commit, replays what a power loss drops). A checkpoint is a RocksDB
 * checkpoint: it flushes the memtables and hard-links the table files, so the target must be on the
 * same file system.
 *
 * <p>Thread safety: reads run concurrently with each other and with one commit, and see whole
 * batches (RocksDB publishes a batch at once, and an iterator reads one consistent view). Commits
 * and checkpoints are serialised. Every operation holds a shared lock that {@link #close} takes
 * exclusively, so no native handle is used after it is freed; consequently a scan's visitor must
 * not close the store it is scanning.
 */
public final class RocksStateStore implements StateStore {

  static {
    RocksDB.loadLibrary();
  }

  private static final Logger LOG = LoggerFactory.getLogger(RocksStateStore.class);
  private static final byte[] APPLIED_KEY = "applied".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT_VERSION = 1;
  private static final int BLOOM_BITS_PER_KEY = 10;

  private final Path dir;
  private final Set<String> keyspaces;
  // Every native object, in the order it was created; close() frees them in reverse.
  private final Deque<AutoCloseable> natives;
  private final RocksDB db;
  private final Map<String, ColumnFamilyHandle> handles;
  private final List<ColumnFamilyHandle> allHandles;
  private final ColumnFamilyHandle meta;
  private final WriteOptions writeOptions;
  private final LRUCache cache;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Lock writer = new ReentrantLock();
  private volatile AppliedIndex applied;
  private volatile boolean closed;

  private RocksStateStore(Path dir, Set<String> keyspaces, Natives opened) {
    this.dir = dir;
    this.keyspaces = keyspaces;
    this.natives = opened.stack;
    this.db = opened.db;
    this.cache = opened.cache;
    this.meta = opened.byName.get(KeyspaceNames.META);
    this.allHandles = List.copyOf(opened.byName.values());
    this.handles = new HashMap<>();
    for (String keyspace : keyspaces) {
      handles.put(keyspace, opened.byName.get(keyspace));
    }
    this.writeOptions = opened.push(new WriteOptions().setSync(false));
  }

  /**
   * Opens the store in dir, creating it (and dir) when there is none. Column families in dir that
   * are not among keyspaces are opened, because RocksDB requires it, but stay unreadable; requested
   * keyspaces that dir lacks are created empty.
   *
   * @throws IllegalArgumentException if a keyspace name is empty or reserved
   * @throws StorageException if RocksDB cannot open dir, or dir holds a database that is not a
   *     Sequent store or has another format version
   */
  public static RocksStateStore open(Path dir, Set<String> keyspaces, RocksConfig config) {
    Set<String> names = KeyspaceNames.validate(keyspaces);
    Objects.requireNonNull(config, "config");
    Path absolute = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    Natives opened = new Natives();
    try {
      opened.open(absolute, names, config);
      RocksStateStore store = new RocksStateStore(absolute, names, opened);
      store.applied = store.recoverMeta();
      LOG.info("opened RocksDB store {} at applied index {} (keyspaces {}, column families {})",
          absolute, store.applied, names, opened.byName.keySet());
      return store;
    } catch (RocksDBException e) {
      opened.closeAll(absolute);
      throw new StorageException("could not open RocksDB store " + absolute + ": " + e, e);
    } catch (RuntimeException | Error e) {
      opened.closeAll(absolute);
      throw e;
    }
  }

  /** The database directory. */
  Path dir() {
    return dir;
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
    Lock shared = lifecycle.readLock();
    shared.lock();
    try {
      return db.get(handle(keyspace), key);
    } catch (RocksDBException e) {
      throw failure("get from " + keyspace, e);
    } finally {
      shared.unlock();
    }
  }

  @Override
  public void scan(
      String keyspace, byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor) {
    Objects.requireNonNull(visitor, "visitor");
    Lock shared = lifecycle.readLock();
    shared.lock();
    try {
      ColumnFamilyHandle handle = handle(keyspace);
      if (!StagedWrites.isEmptyRange(fromInclusive, toExclusive)) {
        iterate(handle, fromInclusive, toExclusive, visitor);
      }
    } catch (RocksDBException e) {
      throw failure("scan of " + keyspace, e);
    } finally {
      shared.unlock();
    }
  }

  @Override
  public void commit(StagedWrites writes, AppliedIndex applied) {
    Objects.requireNonNull(writes, "writes");
    Objects.requireNonNull(applied, "applied");
    if (!writes.isStagedOn(this)) {
      throw new IllegalArgumentException("writes were staged on another store");
    }
    Lock shared = lifecycle.readLock();
    shared.lock();
    writer.lock();
    try (WriteBatch batch = new WriteBatch()) {
      ensureOpen();
      this.applied.requireNotAfter(applied);
      writes.forEachMutation((keyspace, key, value) -> {
        if (value == null) {
          batch.delete(handles.get(keyspace), key);
        } else {
          batch.put(handles.get(keyspace), key, value);
        }
      });
      batch.put(meta, APPLIED_KEY, encode(applied));
      db.write(writeOptions, batch);
      this.applied = applied;
    } catch (RocksDBException e) {
      throw failure("commit of the batch at " + applied, e);
    } finally {
      writer.unlock();
      shared.unlock();
    }
  }

  @Override
  public AppliedIndex checkpoint(Path targetDir) {
    Path parent = Checkpoints.requireNewDirectory(targetDir);
    Lock shared = lifecycle.readLock();
    shared.lock();
    // Holding the writer lock keeps commits out, so the returned index is the checkpoint's own.
    writer.lock();
    try {
      ensureOpen();
      try (Checkpoint checkpoint = Checkpoint.create(db)) {
        checkpoint.createCheckpoint(targetDir.toAbsolutePath().toString());
      }
      Checkpoints.forceDirectory(parent);
      LOG.debug("checkpoint of {} at {} written to {}", dir, applied, targetDir);
      return applied;
    } catch (RocksDBException e) {
      throw failure("checkpoint into " + targetDir, e);
    } finally {
      writer.unlock();
      shared.unlock();
    }
  }

  /** A few gauges for metrics, read from RocksDB's properties and the shared block cache. */
  public Stats stats() {
    Lock shared = lifecycle.readLock();
    shared.lock();
    try {
      ensureOpen();
      return new Stats(sumProperty("rocksdb.cur-size-all-mem-tables"), cache.getUsage(),
          cache.getPinnedUsage(), sumProperty("rocksdb.estimate-live-data-size"),
          sumProperty("rocksdb.estimate-num-keys"), sumProperty("rocksdb.live-sst-files-size"));
    } catch (RocksDBException e) {
      throw failure("reading properties", e);
    } finally {
      shared.unlock();
    }
  }

  /**
   * Gauges of one store, summed over its column families.
   *
   * @param memtableBytes memory of all memtables, active and not yet flushed
   * @param blockCacheUsageBytes memory in the shared block cache (memtable charges included)
   * @param blockCachePinnedBytes part of that which cannot be evicted now
   * @param liveDataBytesEstimate estimated size of the live data in table files
   * @param keysEstimate estimated number of keys (RocksDB's estimate counts overwrites twice)
   * @param liveSstFilesBytes size on disk of the table files of the current version (files only
   *     obsolete snapshots or checkpoints still hold are not counted)
   */
  public record Stats(long memtableBytes, long blockCacheUsageBytes, long blockCachePinnedBytes,
      long liveDataBytesEstimate, long keysEstimate, long liveSstFilesBytes) {}

  @Override
  public void close() {
    Lock exclusive = lifecycle.writeLock();
    exclusive.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Natives.closeAll(natives, dir);
      LOG.info("closed RocksDB store {} at applied index {}", dir, applied);
    } finally {
      exclusive.unlock();
    }
  }

  private void iterate(ColumnFamilyHandle handle, byte[] fromInclusive, byte[] toExclusive,
      EntryVisitor visitor) throws RocksDBException {
    // The bounds let RocksDB stop at the range's end itself, without visiting the key past it.
    try (Slice lower = fromInclusive == null ? null : new Slice(fromInclusive);
        Slice upper = toExclusive == null ? null : new Slice(toExclusive);
        ReadOptions options = readOptions(lower, upper);
        RocksIterator iterator = db.newIterator(handle, options)) {
      if (fromInclusive == null) {
        iterator.seekToFirst();
      } else {
        iterator.seek(fromInclusive);
      }
      for (; iterator.isValid(); iterator.next()) {
        if (!visitor.visit(iterator.key(), iterator.value())) {
          return;
        }
      }
      // An iterator that stops early on an I/O error just turns invalid: ask it why.
      iterator.status();
    }
  }

  private static ReadOptions readOptions(Slice lower, Slice upper) {
    ReadOptions options = new ReadOptions();
    if (lower != null) {
      options.setIterateLowerBound(lower);
    }
    if (upper != null) {
      options.setIterateUpperBound(upper);
    }
    return options;
  }

  /** Reads the applied index back, and stamps or checks the format version. */
  private AppliedIndex recoverMeta() throws RocksDBException {
    byte[] format = db.get(meta, FORMAT_KEY);
    if (format == null) {
      db.put(meta, writeOptions, FORMAT_KEY, ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
    } else if (format.length != 4 || ByteBuffer.wrap(format).getInt() != FORMAT_VERSION) {
      throw new StorageException("unsupported store format in " + dir);
    }
    byte[] stored = db.get(meta, APPLIED_KEY);
    return stored == null ? AppliedIndex.NONE : decode(stored);
  }

  private long sumProperty(String property) throws RocksDBException {
    long sum = 0;
    for (ColumnFamilyHandle handle : allHandles) {
      sum += db.getLongProperty(handle, property);
    }
    return sum;
  }

  private ColumnFamilyHandle handle(String keyspace) {
    ensureOpen();
    ColumnFamilyHandle handle = handles.get(Objects.requireNonNull(keyspace, "keyspace"));
    if (handle == null) {
      throw new IllegalArgumentException("unknown keyspace: " + keyspace);
    }
    return handle;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed: " + dir);
    }
  }

  private StorageException failure(String what, RocksDBException e) {
    return new StorageException(what + " failed in RocksDB store " + dir + ": " + e, e);
  }

  private static byte[] encode(AppliedIndex applied) {
    return ByteBuffer.allocate(16).putLong(applied.term()).putLong(applied.index()).array();
  }

  private AppliedIndex decode(byte[] stored) {
    try {
      if (stored.length != 16) {
        throw new IllegalArgumentException("length " + stored.length);
      }
      ByteBuffer buffer = ByteBuffer.wrap(stored);
      return new AppliedIndex(buffer.getLong(), buffer.getLong());
    } catch (IllegalArgumentException e) {
      throw new StorageException("corrupt applied index in " + dir, e);
    }
  }

  /** The native objects of one store as they are opened, so a failed open frees what it made. */
  private static final class Natives {
    final Deque<AutoCloseable> stack = new ArrayDeque<>();
    final Map<String, ColumnFamilyHandle> byName = new LinkedHashMap<>();
    RocksDB db;
    LRUCache cache;

    <T extends AutoCloseable> T push(T resource) {
      stack.push(resource);
      return resource;
    }

    void open(Path dir, Set<String> keyspaces, RocksConfig config) throws RocksDBException {
      List<String> existing = existingColumnFamilies(dir);
      if (!existing.isEmpty() && !existing.contains(KeyspaceNames.META)) {
        throw new StorageException("not a Sequent store (no " + KeyspaceNames.META
            + " column family): " + dir);
      }
      cache = push(new LRUCache(config.blockCacheBytes()));
      WriteBufferManager buffers =
          push(new WriteBufferManager(config.writeBufferManagerBytes(), cache));
      BloomFilter bloom = push(new BloomFilter(BLOOM_BITS_PER_KEY));
      ColumnFamilyOptions columnOptions = push(new ColumnFamilyOptions()
          .setWriteBufferSize(config.writeBufferBytes())
          .setTableFormatConfig(new BlockBasedTableConfig()
              .setBlockCache(cache)
              .setFilterPolicy(bloom)));
      DBOptions dbOptions = push(new DBOptions()
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setWriteBufferManager(buffers)
          .setMaxBackgroundJobs(config.maxBackgroundJobs())
          .setMaxOpenFiles(config.maxOpenFiles())
          .setBytesPerSync(1024 * 1024)
          .setKeepLogFileNum(4));
      openDatabase(dir, columnFamilies(keyspaces, existing), columnOptions, dbOptions);
    }

    private void openDatabase(Path dir, Set<String> names, ColumnFamilyOptions columnOptions,
        DBOptions dbOptions) throws RocksDBException {
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (String name : names) {
        descriptors.add(
            new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), columnOptions));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      db = push(RocksDB.open(dbOptions, dir.toString(), descriptors, handles));
      // Pushed after the database, so they are closed before it, as RocksDB requires.
      int i = 0;
      for (String name : names) {
        byName.put(name, push(handles.get(i++)));
      }
    }

    /** RocksDB must open every column family a database has: default, meta, requested, others. */
    private static Set<String> columnFamilies(Set<String> keyspaces, List<String> existing) {
      Set<String> names = new LinkedHashSet<>();
      names.add(KeyspaceNames.ROCKS_DEFAULT);
      names.add(KeyspaceNames.META);
      names.addAll(keyspaces);
      names.addAll(existing);
      return names;
    }

    private static List<String> existingColumnFamilies(Path dir) throws RocksDBException {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new StorageException("could not create store directory " + dir, e);
      }
      List<String> names = new ArrayList<>();
      if (!Files.exists(dir.resolve("CURRENT"))) {
        return names;
      }
      try (Options options = new Options()) {
        for (byte[] name : RocksDB.listColumnFamilies(options, dir.toString())) {
          names.add(new String(name, StandardCharsets.UTF_8));
        }
      }
      return names;
    }

    void closeAll(Path dir) {
      closeAll(stack, dir);
    }

    static void closeAll(Deque<AutoCloseable> stack, Path dir) {
      while (!stack.isEmpty()) {
        AutoCloseable resource = stack.pop();
        try {
          if (resource instanceof RocksDB db) {
            db.closeE();
          } else {
            resource.close();
          }
        } catch (Exception e) {
          // Keep freeing the rest: a handle that failed to close must not leak the others.
          LOG.warn("closing a native handle of RocksDB store {} failed", dir, e);
        }
      }
    }
  }
}
