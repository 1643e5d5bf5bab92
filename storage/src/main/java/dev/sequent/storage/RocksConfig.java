package dev.sequent.storage;

/**
 * Memory and file limits of a {@link RocksStateStore}, sized for a small service rather than for
 * RocksDB's defaults (a 32 MiB block cache per table, 64 MiB write buffers per keyspace, unlimited
 * open files).
 *
 * @param blockCacheBytes capacity of the one LRU block cache all keyspaces share
 * @param writeBufferManagerBytes limit on the memtables of all keyspaces together; their memory is
 *     charged to the block cache, so it must not exceed blockCacheBytes
 * @param writeBufferBytes memtable size of each keyspace before it is flushed; at most
 *     writeBufferManagerBytes
 * @param maxBackgroundJobs threads for flushes and compactions together
 * @param maxOpenFiles table files kept open, or -1 for all of them (RocksDB needs at least 20)
 */
public record RocksConfig(
    long blockCacheBytes,
    long writeBufferManagerBytes,
    long writeBufferBytes,
    int maxBackgroundJobs,
    int maxOpenFiles) {

  private static final long MIB = 1024 * 1024;

  public RocksConfig {
    require(blockCacheBytes >= MIB, "blockCacheBytes must be at least 1 MiB: " + blockCacheBytes);
    require(writeBufferManagerBytes >= MIB,
        "writeBufferManagerBytes must be at least 1 MiB: " + writeBufferManagerBytes);
    require(writeBufferManagerBytes <= blockCacheBytes,
        "writeBufferManagerBytes (" + writeBufferManagerBytes
            + ") is charged to the block cache and must not exceed blockCacheBytes ("
            + blockCacheBytes + ")");
    require(writeBufferBytes >= 64 * 1024,
        "writeBufferBytes must be at least 64 KiB: " + writeBufferBytes);
    require(writeBufferBytes <= writeBufferManagerBytes,
        "writeBufferBytes (" + writeBufferBytes + ") must not exceed writeBufferManagerBytes ("
            + writeBufferManagerBytes + ")");
    require(maxBackgroundJobs >= 1 && maxBackgroundJobs <= 64,
        "maxBackgroundJobs must be between 1 and 64: " + maxBackgroundJobs);
    require(maxOpenFiles == -1 || maxOpenFiles >= 20,
        "maxOpenFiles must be -1 (unlimited) or at least 20: " + maxOpenFiles);
  }

  /**
   * A 64 MiB block cache, 32 MiB of memtables charged to it, 8 MiB write buffers, 2 background
   * jobs and 256 open files: enough for a coordinator's working set on a small machine.
   */
  public static RocksConfig defaults() {
    return new RocksConfig(64 * MIB, 32 * MIB, 8 * MIB, 2, 256);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
