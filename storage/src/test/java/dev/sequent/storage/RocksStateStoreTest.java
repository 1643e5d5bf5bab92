package dev.sequent.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** The state store contract, run against real RocksDB databases; plus RocksDB-specific checks. */
class RocksStateStoreTest extends StateStoreContract {

  /** Small, so many stores in one JVM stay cheap; still shared and charged as in production. */
  static final RocksConfig SMALL = new RocksConfig(8L << 20, 4L << 20, 1L << 20, 2, 64);

  @Override
  StateStore create(Set<String> keyspaces) {
    return track(RocksStateStore.open(newPath("db"), keyspaces, SMALL));
  }

  @Override
  StateStore reopen(StateStore store, Set<String> keyspaces) {
    store.close();
    return track(RocksStateStore.open(((RocksStateStore) store).dir(), keyspaces, SMALL));
  }

  @Override
  StateStore openCheckpoint(Path dir, Set<String> keyspaces) {
    return track(RocksStateStore.open(dir, keyspaces, SMALL));
  }

  @Test
  void aStoreWithManyEntriesSurvivesFlushesAndReopen() {
    StateStore store = create();
    byte[] value = new byte[512];
    for (int batch = 0; batch < 20; batch++) {
      int first = batch * 500;
      commit(store, batch + 1, w -> {
        for (int i = first; i < first + 500; i++) {
          w.put(A, key(i), value);
        }
      });
    }
    Path checkpoint = newPath("checkpoint");
    store.checkpoint(checkpoint);
    StateStore reopened = reopen(store, KEYSPACES);
    int[] count = {0};
    reopened.scan(A, key(1000), key(9000), (k, v) -> {
      assertArrayEquals(key(1000 + count[0]), k);
      count[0]++;
      return true;
    });
    assertEquals(8000, count[0]);
    assertEquals(new AppliedIndex(1, 20), reopened.appliedIndex());
  }

  @Test
  void statsReportMemoryAndKeys() {
    RocksStateStore store = (RocksStateStore) create();
    commit(store, 1, w -> {
      for (int i = 0; i < 100; i++) {
        w.put(A, key(i), new byte[100]);
      }
    });
    RocksStateStore.Stats stats = store.stats();
    assertTrue(stats.memtableBytes() > 0, stats.toString());
    assertTrue(stats.blockCacheUsageBytes() > 0, "memtables are charged to the cache: " + stats);
    assertTrue(stats.keysEstimate() >= 100, stats.toString());
  }

  @Test
  void aPlainRocksDatabaseIsNotTakenForAStore() throws RocksDBException {
    Path plain = newPath("plain");
    try (Options options = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(options, plain.toString())) {
      db.put(s("k"), s("v"));
    }
    assertThrows(StorageException.class, () -> RocksStateStore.open(plain, Set.of(A), SMALL));
  }

  @Test
  void checkpointsAreHardLinkedCopiesThatOpenIndependently() {
    StateStore store = create();
    commit(store, 1, w -> w.put(A, s("k"), s("v1")));
    Path first = newPath("first");
    store.checkpoint(first);
    StateStore copy = openCheckpoint(first, KEYSPACES);
    commit(copy, 2, w -> w.put(A, s("k"), s("copy")));
    assertArrayEquals(s("v1"), store.get(A, s("k")), "writing the copy leaves the original alone");
    assertEquals(new AppliedIndex(1, 1), store.appliedIndex());
  }

  @Test
  void configurationIsValidated() {
    RocksConfig.defaults();
    long mib = 1L << 20;
    assertThrows(IllegalArgumentException.class, () -> new RocksConfig(0, mib, mib, 2, 64));
    assertThrows(IllegalArgumentException.class,
        () -> new RocksConfig(8 * mib, 16 * mib, mib, 2, 64), "buffers larger than the cache");
    assertThrows(IllegalArgumentException.class,
        () -> new RocksConfig(8 * mib, 4 * mib, 8 * mib, 2, 64), "one buffer above the limit");
    assertThrows(IllegalArgumentException.class, () -> new RocksConfig(8 * mib, mib, mib, 0, 64));
    assertThrows(IllegalArgumentException.class, () -> new RocksConfig(8 * mib, mib, mib, 2, 10));
    assertEquals(-1, new RocksConfig(8 * mib, mib, mib, 2, -1).maxOpenFiles());
  }

  private static byte[] key(int i) {
    return new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
  }
}
