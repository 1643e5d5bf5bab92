package dev.sequent.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The behaviour every {@link StateStore} promises, run against each implementation by a subclass:
 * one test per promise, then two larger ones (concurrent readers, a random run against a reference
 * model: see {@link ModelRun}).
 */
abstract class StateStoreContract {

  private static final Logger LOG = LoggerFactory.getLogger(StateStoreContract.class);
  static final String A = "alpha";
  static final String B = "beta";
  static final Set<String> KEYSPACES = Set.of(A, B);
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path tmp;
  private final List<StateStore> opened = new ArrayList<>();
  private int dirCount;

  /** A new, empty store with the given keyspaces. */
  abstract StateStore create(Set<String> keyspaces);

  /** Closes store and opens its state again, as a restarted node would. */
  abstract StateStore reopen(StateStore store, Set<String> keyspaces);

  /** Opens the checkpoint written into dir by this implementation. */
  abstract StateStore openCheckpoint(Path dir, Set<String> keyspaces);

  /** Registers a store to be closed after the test. */
  final <S extends StateStore> S track(S store) {
    opened.add(store);
    return store;
  }

  /** A fresh path under the test's temporary directory that does not exist yet. */
  final Path newPath(String name) {
    return tmp.resolve(name + "-" + dirCount++);
  }

  final StateStore create() {
    return create(KEYSPACES);
  }

  @AfterEach
  void closeStores() {
    for (StateStore store : opened) {
      store.close();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  static byte[] b(int... unsigned) {
    byte[] bytes = new byte[unsigned.length];
    for (int i = 0; i < unsigned.length; i++) {
      bytes[i] = (byte) unsigned[i];
    }
    return bytes;
  }

  static byte[] s(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static void commit(StateStore store, long index, Consumer<StagedWrites> staging) {
    StagedWrites writes = store.stage();
    staging.accept(writes);
    store.commit(writes, new AppliedIndex(1, index));
  }

  /** The entries of a scan as "key=value" in hex, in visiting order. */
  static List<String> scan(StateReader reader, String keyspace, byte[] from, byte[] to) {
    return scanAtMost(reader, keyspace, from, to, Integer.MAX_VALUE);
  }

  static List<String> scanAtMost(
      StateReader reader, String keyspace, byte[] from, byte[] to, int limit) {
    List<String> seen = new ArrayList<>();
    reader.scan(keyspace, from, to, (key, value) -> {
      seen.add(hex(key) + "=" + hex(value));
      return seen.size() < limit;
    });
    return seen;
  }

  static List<String> prefix(StateReader reader, String keyspace, byte[] prefix) {
    List<String> seen = new ArrayList<>();
    reader.scanPrefix(keyspace, prefix, (key, value) -> seen.add(hex(key) + "=" + hex(value)));
    return seen;
  }

  static String e(byte[] key, byte[] value) {
    return hex(key) + "=" + hex(value);
  }

  // ---- reads and writes ------------------------------------------------------------------------

  @Test
  void committedPutsAndDeletesBecomeVisible() {
    StateStore store = create();
    commit(store, 1, w -> {
      w.put(A, s("k1"), s("v1"));
      w.put(A, s("k2"), s("v2"));
      w.put(B, s("k1"), s("other"));
    });
    commit(store, 2, w -> w.delete(A, s("k2")));

    assertArrayEquals(s("v1"), store.get(A, s("k1")));
    assertNull(store.get(A, s("k2")));
    assertArrayEquals(s("other"), store.get(B, s("k1")), "keyspaces are separate");
    assertNull(store.get(B, s("k2")));
  }

  @Test
  void stagedReadsSeeStagedWritesButTheStoreDoesNotUntilCommit() {
    StateStore store = create();
    commit(store, 1, w -> w.put(A, s("gone"), s("old")));
    StagedWrites writes = store.stage();
    assertTrue(writes.isEmpty());
    writes.put(A, s("new"), s("v"));
    writes.delete(A, s("gone"));

    assertArrayEquals(s("v"), writes.get(A, s("new")));
    assertNull(writes.get(A, s("gone")));
    assertNull(store.get(A, s("new")), "the store sees nothing before commit");
    assertArrayEquals(s("old"), store.get(A, s("gone")));
    assertEquals(2, writes.size());

    store.commit(writes, new AppliedIndex(1, 2));
    assertArrayEquals(s("v"), store.get(A, s("new")));
    assertNull(store.get(A, s("gone")));
  }

  @Test
  void aLaterStageOfTheSameKeyReplacesTheEarlier() {
    StateStore store = create();
    StagedWrites writes = store.stage();
    writes.put(A, s("k"), s("1"));
    writes.delete(A, s("k"));
    writes.put(A, s("k"), s("3"));
    writes.put(A, s("j"), s("1"));
    writes.delete(A, s("j"));
    assertEquals(2, writes.size(), "one mutation per key");
    store.commit(writes, new AppliedIndex(1, 1));

    assertArrayEquals(s("3"), store.get(A, s("k")));
    assertNull(store.get(A, s("j")));
  }

  @Test
  void emptyKeysAndEmptyValuesAreOrdinaryEntries() {
    StateStore store = create();
    commit(store, 1, w -> {
      w.put(A, b(), s("empty key"));
      w.put(A, s("k"), b());
    });
    assertArrayEquals(s("empty key"), store.get(A, b()));
    assertArrayEquals(b(), store.get(A, s("k")), "an empty value is not an absent one");
    assertEquals(List.of(e(b(), s("empty key")), e(s("k"), b())), scan(store, A, null, null));
  }

  @Test
  void arraysAreCopiedOnTheWayInAndOut() {
    StateStore store = create();
    byte[] key = s("k");
    byte[] value = s("v");
    StagedWrites writes = store.stage();
    writes.put(A, key, value);
    key[0] = 'x';
    value[0] = 'x';
    writes.get(A, s("k"))[0] = 'y';
    writes.scan(A, null, null, (k, v) -> {
      k[0] = 'z';
      v[0] = 'z';
      return true;
    });
    store.commit(writes, new AppliedIndex(1, 1));
    store.get(A, s("k"))[0] = 'y';
    store.scan(A, null, null, (k, v) -> {
      v[0] = 'z';
      return true;
    });

    assertArrayEquals(s("v"), store.get(A, s("k")));
    assertEquals(List.of(e(s("k"), s("v"))), scan(store, A, null, null));
  }

  // ---- scans -----------------------------------------------------------------------------------

  @Test
  void scansOrderKeysAsUnsignedBytes() {
    StateStore store = create();
    byte[][] ordered = {b(), b(0x00), b(0x00, 0x00), b(0x01), b(0x7F), b(0x7F, 0xFF), b(0x80),
        b(0x80, 0x00), b(0xFE), b(0xFF), b(0xFF, 0x00), b(0xFF, 0xFF)};
    commit(store, 1, w -> {
      for (int i = ordered.length - 1; i >= 0; i--) {
        w.put(A, ordered[i], b(i));
      }
    });
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < ordered.length; i++) {
      expected.add(e(ordered[i], b(i)));
    }
    assertEquals(expected, scan(store, A, null, null));
    assertEquals(expected, scan(store.stage(), A, null, null));
  }

  @Test
  void rangesAreHalfOpenAndNullBoundsAreUnbounded() {
    StateStore store = create();
    commit(store, 1, w -> {
      for (int i = 1; i <= 5; i++) {
        w.put(A, b(i * 0x20), b(i));
      }
    });
    String k1 = e(b(0x20), b(1));
    String k2 = e(b(0x40), b(2));
    String k3 = e(b(0x60), b(3));
    String k4 = e(b(0x80), b(4));
    String k5 = e(b(0xA0), b(5));
    for (StateReader reader : List.of(store, store.stage())) {
      assertEquals(List.of(k2, k3), scan(reader, A, b(0x40), b(0x80)), "[from, to)");
      assertEquals(List.of(k2, k3), scan(reader, A, b(0x21), b(0x61)), "bounds between keys");
      assertEquals(List.of(k1, k2), scan(reader, A, null, b(0x60)), "null from");
      assertEquals(List.of(k4, k5), scan(reader, A, b(0x80), null), "null to");
      assertEquals(List.of(k1, k2, k3, k4, k5), scan(reader, A, null, null), "both null");
      assertEquals(List.of(), scan(reader, A, b(0x40), b(0x40)), "empty range");
      assertEquals(List.of(), scan(reader, A, b(0x80), b(0x40)), "inverted range");
      assertEquals(List.of(), scan(reader, A, b(0xA1), null), "above every key");
    }
  }

  @Test
  void prefixScansIncludingPrefixesOfFfBytes() {
    StateStore store = create();
    byte[][] keys = {b(0x00), b(0x61), b(0x61, 0x00), b(0x61, 0xFF), b(0x62), b(0xFE, 0xFF),
        b(0xFF), b(0xFF, 0x00), b(0xFF, 0xFF), b(0xFF, 0xFF, 0x00), b(0xFF, 0xFF, 0xFF)};
    commit(store, 1, w -> {
      for (byte[] key : keys) {
        w.put(A, key, key);
      }
    });
    for (StateReader reader : List.of(store, store.stage())) {
      assertEquals(List.of(e(b(0x61), b(0x61)), e(b(0x61, 0x00), b(0x61, 0x00)),
          e(b(0x61, 0xFF), b(0x61, 0xFF))), prefix(reader, A, b(0x61)));
      assertEquals(List.of(e(b(0xFF), b(0xFF)), e(b(0xFF, 0x00), b(0xFF, 0x00)),
          e(b(0xFF, 0xFF), b(0xFF, 0xFF)), e(b(0xFF, 0xFF, 0x00), b(0xFF, 0xFF, 0x00)),
          e(b(0xFF, 0xFF, 0xFF), b(0xFF, 0xFF, 0xFF))), prefix(reader, A, b(0xFF)));
      assertEquals(List.of(e(b(0xFF, 0xFF), b(0xFF, 0xFF)),
          e(b(0xFF, 0xFF, 0x00), b(0xFF, 0xFF, 0x00)),
          e(b(0xFF, 0xFF, 0xFF), b(0xFF, 0xFF, 0xFF))), prefix(reader, A, b(0xFF, 0xFF)));
      assertEquals(keys.length, prefix(reader, A, b()).size(), "the empty prefix is everything");
      assertEquals(List.of(), prefix(reader, A, b(0x63)));
    }
  }

  @Test
  void aScanStopsWhenTheVisitorReturnsFalse() {
    StateStore store = create();
    commit(store, 1, w -> {
      for (int i = 0; i < 10; i++) {
        w.put(A, b(i), b(i));
      }
    });
    StagedWrites writes = store.stage();
    writes.put(A, b(3, 0), b(30));
    assertEquals(List.of(e(b(0), b(0)), e(b(1), b(1))), scanAtMost(store, A, null, null, 2));
    assertEquals(List.of(e(b(2), b(2)), e(b(3), b(3)), e(b(3, 0), b(30))),
        scanAtMost(writes, A, b(2), null, 3), "stops on a staged entry");
    assertEquals(List.of(e(b(2), b(2)), e(b(3), b(3))),
        scanAtMost(writes, A, b(2), null, 2), "stops on a base entry");
    assertEquals(List.of(e(b(0), b(0))), scanAtMost(writes, A, null, null, 1));
  }

  @Test
  void stagedScansMergeStagedEntriesOverTheBaseAndHonourTombstones() {
    StateStore store = create();
    commit(store, 1, w -> {
      for (int i = 1; i <= 5; i++) {
        w.put(A, b(i * 2), s("base"));
      }
    });
    StagedWrites writes = store.stage();
    writes.put(A, b(1), s("new"));
    writes.put(A, b(4), s("replaced"));
    writes.delete(A, b(6));
    writes.delete(A, b(7));
    writes.put(A, b(11), s("new"));
    writes.put(B, b(5), s("elsewhere"));

    assertEquals(List.of(e(b(1), s("new")), e(b(2), s("base")), e(b(4), s("replaced")),
        e(b(8), s("base")), e(b(10), s("base")), e(b(11), s("new"))),
        scan(writes, A, null, null));
    assertEquals(List.of(e(b(4), s("replaced")), e(b(8), s("base"))),
        scan(writes, A, b(3), b(10)));
    assertEquals(List.of(e(b(2), s("base")), e(b(4), s("base")), e(b(6), s("base")),
        e(b(8), s("base")), e(b(10), s("base"))), scan(store, A, null, null),
        "the store is untouched");
  }

  // ---- applied index ---------------------------------------------------------------------------

  @Test
  void theAppliedIndexIsStoredWithItsBatch() {
    StateStore store = create();
    assertEquals(AppliedIndex.NONE, store.appliedIndex());
    commit(store, 7, w -> w.put(A, s("k"), s("v")));
    assertEquals(new AppliedIndex(1, 7), store.appliedIndex());
    store.commit(store.stage(), new AppliedIndex(2, 9));
    assertEquals(new AppliedIndex(2, 9), store.appliedIndex(), "an empty batch moves it too");
  }

  @Test
  void theAppliedIndexNeverGoesBackwards() {
    StateStore store = create();
    commit(store, 5, w -> w.put(A, s("k"), s("v5")));
    StagedWrites stale = store.stage();
    stale.put(A, s("k"), s("v4"));
    assertThrows(IllegalArgumentException.class,
        () -> store.commit(stale, new AppliedIndex(1, 4)));
    assertThrows(IllegalArgumentException.class,
        () -> store.commit(stale, new AppliedIndex(9, 4)), "a newer term does not excuse it");
    assertArrayEquals(s("v5"), store.get(A, s("k")), "a refused batch writes nothing");
    assertEquals(new AppliedIndex(1, 5), store.appliedIndex());

    commit(store, 5, w -> w.put(A, s("k"), s("again")));
    assertArrayEquals(s("again"), store.get(A, s("k")), "the same index again is allowed");
  }

  @Test
  void writesStagedOnAnotherStoreAreRefused() {
    StateStore store = create();
    StateStore other = track(create());
    StagedWrites foreign = other.stage();
    foreign.put(A, s("k"), s("v"));
    assertThrows(IllegalArgumentException.class,
        () -> store.commit(foreign, new AppliedIndex(1, 1)));
    assertNull(store.get(A, s("k")));
    assertEquals(AppliedIndex.NONE, store.appliedIndex());
  }

  // ---- keyspaces -------------------------------------------------------------------------------

  @Test
  void unknownKeyspacesAreRefused() {
    StateStore store = create();
    StagedWrites writes = store.stage();
    EntryVisitor all = (k, v) -> true;
    assertThrows(IllegalArgumentException.class, () -> store.get("nope", s("k")));
    assertThrows(IllegalArgumentException.class, () -> store.scan("nope", null, null, all));
    assertThrows(IllegalArgumentException.class, () -> store.scanPrefix("nope", s("k"), all));
    assertThrows(IllegalArgumentException.class, () -> writes.put("nope", s("k"), s("v")));
    assertThrows(IllegalArgumentException.class, () -> writes.delete("nope", s("k")));
    assertThrows(IllegalArgumentException.class, () -> writes.get("nope", s("k")));
    assertThrows(IllegalArgumentException.class, () -> writes.scan("nope", null, null, all));
    assertEquals(KEYSPACES, store.keyspaces());
  }

  @Test
  void reservedAndEmptyKeyspaceNamesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> track(create(Set.of("default"))));
    assertThrows(IllegalArgumentException.class, () -> track(create(Set.of("sequent.meta"))));
    assertThrows(IllegalArgumentException.class, () -> track(create(Set.of(A, ""))));
  }

  @Test
  void keyspacesOutsideTheRequestedSetAreKeptButHidden() {
    StateStore store = create();
    commit(store, 1, w -> {
      w.put(A, s("a"), s("1"));
      w.put(B, s("b"), s("2"));
    });
    StateStore narrow = reopen(store, Set.of(A));
    assertEquals(Set.of(A), narrow.keyspaces());
    assertThrows(IllegalArgumentException.class, () -> narrow.get(B, s("b")));
    commit(narrow, 2, w -> w.put(A, s("a"), s("3")));

    StateStore wide = reopen(narrow, KEYSPACES);
    assertArrayEquals(s("3"), wide.get(A, s("a")));
    assertArrayEquals(s("2"), wide.get(B, s("b")), "the hidden keyspace survived");
    assertEquals(new AppliedIndex(1, 2), wide.appliedIndex());
  }

  @Test
  void aKeyspaceAddedOnReopenStartsEmpty() {
    StateStore store = create(Set.of(A));
    commit(store, 1, w -> w.put(A, s("a"), s("1")));
    StateStore wider = reopen(store, KEYSPACES);
    assertEquals(List.of(), scan(wider, B, null, null));
    commit(wider, 2, w -> w.put(B, s("b"), s("2")));
    assertArrayEquals(s("2"), wider.get(B, s("b")));
    assertArrayEquals(s("1"), wider.get(A, s("a")));
  }

  // ---- lifecycle, durability, checkpoints ------------------------------------------------------

  @Test
  void reopeningRecoversStateAndAppliedIndex() {
    StateStore store = create();
    commit(store, 1, w -> w.put(A, s("k1"), s("v1")));
    commit(store, 2, w -> {
      w.put(A, s("k2"), s("v2"));
      w.delete(A, s("k1"));
      w.put(B, b(0xFF), b(0x80));
    });
    StateStore reopened = reopen(store, KEYSPACES);
    assertEquals(new AppliedIndex(1, 2), reopened.appliedIndex());
    assertEquals(List.of(e(s("k2"), s("v2"))), scan(reopened, A, null, null));
    assertEquals(List.of(e(b(0xFF), b(0x80))), scan(reopened, B, null, null));
  }

  @Test
  void aCheckpointOpensToTheSameStateAndIsNotChangedByLaterCommits() {
    StateStore store = create();
    commit(store, 3, w -> {
      w.put(A, s("k1"), s("v1"));
      w.put(A, b(0x80), b(0xFF));
      w.put(B, s("k2"), s("v2"));
    });
    Path dir = newPath("checkpoint");
    assertEquals(new AppliedIndex(1, 3), store.checkpoint(dir));
    commit(store, 4, w -> {
      w.put(A, s("k1"), s("changed"));
      w.delete(B, s("k2"));
      w.put(A, s("k3"), s("v3"));
    });

    StateStore copy = track(openCheckpoint(dir, KEYSPACES));
    assertEquals(new AppliedIndex(1, 3), copy.appliedIndex());
    assertEquals(List.of(e(s("k1"), s("v1")), e(b(0x80), b(0xFF))), scan(copy, A, null, null));
    assertEquals(List.of(e(s("k2"), s("v2"))), scan(copy, B, null, null));
    assertArrayEquals(s("changed"), store.get(A, s("k1")), "the original goes on");
  }

  @Test
  void aCheckpointIntoAnExistingDirectoryIsRefused() throws Exception {
    StateStore store = create();
    commit(store, 1, w -> w.put(A, s("k"), s("v")));
    Path existing = Files.createDirectory(newPath("existing"));
    assertThrows(IllegalArgumentException.class, () -> store.checkpoint(existing));
    assertEquals(List.of(), List.of(existing.toFile().list()), "nothing written into it");
    Path orphan = newPath("missing").resolve("child");
    assertThrows(IllegalArgumentException.class, () -> store.checkpoint(orphan));
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseIsRefused() {
    StateStore store = create();
    commit(store, 1, w -> w.put(A, s("k"), s("v")));
    StagedWrites writes = store.stage();
    store.close();
    store.close();
    assertThrows(IllegalStateException.class, () -> store.get(A, s("k")));
    assertThrows(IllegalStateException.class, () -> store.scan(A, null, null, (k, v) -> true));
    assertThrows(IllegalStateException.class, store::appliedIndex);
    assertThrows(IllegalStateException.class,
        () -> store.commit(writes, new AppliedIndex(1, 2)));
    assertThrows(IllegalStateException.class, () -> store.checkpoint(newPath("closed")));
  }
  // ---- concurrency and the reference model ------------------------------------------------------

  /** How many random operations the model run makes; a subclass may lower it for a slow medium. */
  int modelOperations() {
    return 4000;
  }

  @Test
  void randomOperationsMatchAReferenceModel() {
    long seed = ModelRun.seed();
    LOG.info("{}: model run with seed {}", getClass().getSimpleName(), seed);
    ModelRun run = new ModelRun(this, seed);
    try {
      run.run(modelOperations());
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("model run failed at " + run.step() + " with seed " + seed
          + " (replay with -Dseed=" + seed + ")", e);
    }
  }

  /**
   * Every batch writes the same value to WIDTH keys and keeps a marker key present exactly when
   * that value is even. A reader that saw part of a batch would see unequal values or a marker that
   * disagrees with them.
   */
  @Test
  void concurrentReadersSeeWholeBatchesOnly() throws Exception {
    StateStore store = create();
    int batches = 1500;
    writeBatch(store, 0);
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(pool.submit(() -> readUntilDone(store, done, reads)));
      }
      Future<?> writer = pool.submit(() -> {
        try {
          for (int i = 1; i <= batches; i++) {
            writeBatch(store, i);
          }
        } finally {
          done.set(true);
        }
      });
      awaitAll(writer, readers);
    } finally {
      done.set(true);
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    assertTrue(reads.get() >= 3, "every reader read at least once");
    assertEquals(batches, whole(store), "the last batch is visible");
  }

  private static final int WIDTH = 8;

  private static void writeBatch(StateStore store, long value) {
    commit(store, value, w -> {
      byte[] bytes = ByteBuffer.allocate(8).putLong(value).array();
      for (int k = 0; k < WIDTH; k++) {
        w.put(A, s("k" + k), bytes);
      }
      if (value % 2 == 0) {
        w.put(A, s("marker"), bytes);
      } else {
        w.delete(A, s("marker"));
      }
    });
  }

  /** Reads until the writer is done, then once more; checks values never go backwards. */
  private static void readUntilDone(StateStore store, AtomicBoolean done, AtomicLong reads) {
    long last = -1;
    boolean finalRead = false;
    while (!finalRead) {
      finalRead = done.get();
      long seen = whole(store);
      assertTrue(seen >= last, "reads went backwards: " + last + " then " + seen);
      last = seen;
      reads.incrementAndGet();
    }
  }

  /** Scans the batch keys in one read and returns their common value, asserting the batch whole. */
  private static long whole(StateStore store) {
    List<Long> values = new ArrayList<>();
    List<Long> markers = new ArrayList<>();
    store.scan(A, null, null, (key, value) -> {
      long decoded = ByteBuffer.wrap(value).getLong();
      (new String(key, StandardCharsets.UTF_8).equals("marker") ? markers : values).add(decoded);
      return true;
    });
    assertEquals(WIDTH, values.size(), "keys of one batch: " + values);
    long value = values.get(0);
    assertTrue(values.stream().allMatch(v -> v == value), "a partial batch: " + values);
    assertEquals(value % 2 == 0 ? List.of(value) : List.of(), markers, "marker for " + value);
    return value;
  }

  private static void awaitAll(Future<?> writer, List<Future<?>> readers) throws Exception {
    List<Future<?>> all = new ArrayList<>(readers);
    all.add(0, writer);
    for (Future<?> future : all) {
      try {
        // A generous bound so a hung store fails the test instead of hanging the build.
        future.get(120, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof AssertionError assertion) {
          throw assertion;
        }
        throw e;
      }
    }
  }
}
