package dev.sequent.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A random run of puts, deletes, reads, scans, commits, reopens and checkpoints against a store,
 * checked step by step against a reference model: plain sorted maps of what is committed and of
 * what the current staged writes make visible. Seeded, so a failing run replays exactly.
 */
final class ModelRun {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRun.class);
  // Few distinct bytes, so keys collide often and straddle the signed/unsigned boundary.
  private static final byte[] PALETTE = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF};
  private static final List<String> KEYSPACES = List.of(StateStoreContract.A, StateStoreContract.B);

  private final StateStoreContract contract;
  private final Random random;
  private Map<String, TreeMap<byte[], byte[]>> committed = emptyModel();
  private Map<String, TreeMap<byte[], byte[]>> visible = emptyModel();
  private StateStore store;
  private StagedWrites writes;
  private long index;
  private String step = "start";

  ModelRun(StateStoreContract contract, long seed) {
    this.contract = contract;
    this.random = new Random(seed);
  }

  /** The seed given as -Dseed=N, or a random one. */
  static long seed() {
    String given = System.getProperty("seed");
    return given == null || given.isBlank()
        ? ThreadLocalRandom.current().nextLong() : Long.parseLong(given.trim());
  }

  /** The last step attempted, for the failure message. */
  String step() {
    return step;
  }

  void run(int operations) {
    store = contract.create(StateStoreContract.KEYSPACES);
    writes = store.stage();
    for (int op = 0; op < operations; op++) {
      int dice = random.nextInt(1000);
      step = "op " + op + " dice " + dice;
      if (dice < 350) {
        put();
      } else if (dice < 500) {
        delete();
      } else if (dice < 600) {
        get();
      } else if (dice < 750) {
        scanStaged();
      } else if (dice < 850) {
        scanStore();
      } else if (dice < 900) {
        scanPrefix();
      } else if (dice < 990) {
        commit();
      } else if (dice < 995) {
        reopen();
      } else {
        checkpoint();
      }
    }
    commit();
    assertSameContent(store, committed);
    LOG.info("model run done: {} operations, applied index {}", operations, index);
  }

  private void put() {
    String keyspace = keyspace();
    byte[] key = key();
    byte[] value = value();
    writes.put(keyspace, key, value);
    visible.get(keyspace).put(key, value);
  }

  private void delete() {
    String keyspace = keyspace();
    byte[] key = key();
    writes.delete(keyspace, key);
    visible.get(keyspace).remove(key);
  }

  private void get() {
    String keyspace = keyspace();
    byte[] key = key();
    assertArrayEquals(visible.get(keyspace).get(key), writes.get(keyspace, key), "staged get");
    assertArrayEquals(committed.get(keyspace).get(key), store.get(keyspace, key), "store get");
  }

  private void scanStaged() {
    scanBoth(writes, visible, "staged scan");
  }

  private void scanStore() {
    scanBoth(store, committed, "store scan");
  }

  private void scanBoth(StateReader reader, Map<String, TreeMap<byte[], byte[]>> model,
      String what) {
    String keyspace = keyspace();
    byte[] from = random.nextInt(5) == 0 ? null : key();
    byte[] to = random.nextInt(5) == 0 ? null : key();
    int limit = random.nextInt(4) == 0 ? 1 + random.nextInt(5) : Integer.MAX_VALUE;
    List<String> expected = entries(range(model.get(keyspace), from, to), limit);
    assertEquals(expected, StateStoreContract.scanAtMost(reader, keyspace, from, to, limit),
        () -> what + " [" + hex(from) + ", " + hex(to) + ") limit " + limit);
  }

  private void scanPrefix() {
    String keyspace = keyspace();
    byte[] prefix = random.nextInt(3) == 0 ? new byte[] {(byte) 0xFF} : key();
    byte[] end = Keys.prefixEnd(prefix);
    assertEquals(entries(range(visible.get(keyspace), prefix, end), Integer.MAX_VALUE),
        StateStoreContract.prefix(writes, keyspace, prefix), "staged prefix " + hex(prefix));
    assertEquals(entries(range(committed.get(keyspace), prefix, end), Integer.MAX_VALUE),
        StateStoreContract.prefix(store, keyspace, prefix), "store prefix " + hex(prefix));
  }

  private void commit() {
    index += 1 + random.nextInt(3);
    AppliedIndex applied = new AppliedIndex(1 + index / 100, index);
    store.commit(writes, applied);
    committed = copy(visible);
    writes = store.stage();
    assertEquals(applied, store.appliedIndex());
  }

  /** A restart loses what was staged but not committed, and nothing else. */
  private void reopen() {
    AppliedIndex before = store.appliedIndex();
    store = contract.reopen(store, StateStoreContract.KEYSPACES);
    writes = store.stage();
    visible = copy(committed);
    assertEquals(before, store.appliedIndex(), "applied index after reopen");
    assertSameContent(store, committed);
  }

  private void checkpoint() {
    Path dir = contract.newPath("model-checkpoint");
    AppliedIndex applied = store.checkpoint(dir);
    assertEquals(store.appliedIndex(), applied);
    try (StateStore copy = contract.openCheckpoint(dir, StateStoreContract.KEYSPACES)) {
      assertEquals(applied, copy.appliedIndex(), "checkpoint applied index");
      assertSameContent(copy, committed);
    }
  }

  private static void assertSameContent(StateReader reader,
      Map<String, TreeMap<byte[], byte[]>> model) {
    for (String keyspace : KEYSPACES) {
      assertEquals(entries(model.get(keyspace), Integer.MAX_VALUE),
          StateStoreContract.scan(reader, keyspace, null, null), "content of " + keyspace);
    }
  }

  private String keyspace() {
    return KEYSPACES.get(random.nextInt(KEYSPACES.size()));
  }

  private byte[] key() {
    byte[] key = new byte[random.nextInt(4)];
    for (int i = 0; i < key.length; i++) {
      key[i] = PALETTE[random.nextInt(PALETTE.length)];
    }
    return key;
  }

  private byte[] value() {
    byte[] value = new byte[random.nextInt(5)];
    random.nextBytes(value);
    return value;
  }

  private static NavigableMap<byte[], byte[]> range(NavigableMap<byte[], byte[]> map,
      byte[] from, byte[] to) {
    if (from != null && to != null && Keys.compare(from, to) >= 0) {
      return new TreeMap<>(Keys::compare);
    }
    NavigableMap<byte[], byte[]> tail = from == null ? map : map.tailMap(from, true);
    return to == null ? tail : tail.headMap(to, false);
  }

  private static List<String> entries(Map<byte[], byte[]> map, int limit) {
    List<String> entries = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> entry : map.entrySet()) {
      if (entries.size() == limit) {
        break;
      }
      entries.add(StateStoreContract.e(entry.getKey(), entry.getValue()));
    }
    return entries;
  }

  private static Map<String, TreeMap<byte[], byte[]>> emptyModel() {
    Map<String, TreeMap<byte[], byte[]>> model = new TreeMap<>();
    for (String keyspace : KEYSPACES) {
      model.put(keyspace, new TreeMap<>(Keys::compare));
    }
    return model;
  }

  private static Map<String, TreeMap<byte[], byte[]>> copy(
      Map<String, TreeMap<byte[], byte[]>> model) {
    Map<String, TreeMap<byte[], byte[]>> copy = new TreeMap<>();
    model.forEach((keyspace, entries) -> copy.put(keyspace, new TreeMap<>(entries)));
    return copy;
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? "null" : StateStoreContract.hex(bytes);
  }
}
