package dev.sequent.storage;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Puts and deletes staged for one atomic {@link StateStore#commit}, readable before they are
 * written: {@link #get} and {@link #scan} see the staged mutations over the store's state
 * (read-your-writes), so several commands applied in one batch each see the ones before them.
 *
 * <p>Not thread-safe: one apply owns it. A later put or delete of the same key replaces the
 * earlier. Keys and values are copied on the way in and on the way out, so callers may reuse their
 * arrays. Unknown keyspaces are refused with {@link IllegalArgumentException}, null keys and
 * values with {@link NullPointerException}. Once committed, a staged set should be dropped: the
 * next batch starts from a new {@link StateStore#stage}.
 */
public final class StagedWrites implements StateReader {

  /** Receives one staged mutation; a null value is a delete. E lets a store's writes throw. */
  @FunctionalInterface
  interface MutationVisitor<E extends Exception> {
    void visit(String keyspace, byte[] key, byte[] valueOrNull) throws E;
  }

  private final StateReader base;
  // Per keyspace, key -> value, where a null value is a tombstone (a staged delete). Keyspaces are
  // kept in name order so a store writes mutations in one deterministic order.
  private final NavigableMap<String, TreeMap<byte[], byte[]>> overlay = new TreeMap<>();
  private int size;

  StagedWrites(StateReader base, Set<String> keyspaces) {
    this.base = Objects.requireNonNull(base, "base");
    for (String keyspace : keyspaces) {
      overlay.put(keyspace, new TreeMap<>(Keys::compare));
    }
  }

  /** Stages value under key (both copied). */
  public void put(String keyspace, byte[] key, byte[] value) {
    Objects.requireNonNull(value, "value (use delete to remove a key)");
    stage(keyspace, key, value.clone());
  }

  /** Stages the removal of key. */
  public void delete(String keyspace, byte[] key) {
    stage(keyspace, key, null);
  }

  /** True when nothing is staged. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** How many distinct keys (across keyspaces) have a staged put or delete. */
  public int size() {
    return size;
  }

  @Override
  public byte[] get(String keyspace, byte[] key) {
    TreeMap<byte[], byte[]> staged = keyspace(keyspace);
    Objects.requireNonNull(key, "key");
    if (staged.containsKey(key)) {
      byte[] value = staged.get(key);
      return value == null ? null : value.clone();
    }
    return base.get(keyspace, key);
  }

  @Override
  public void scan(
      String keyspace, byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor) {
    TreeMap<byte[], byte[]> staged = keyspace(keyspace);
    Objects.requireNonNull(visitor, "visitor");
    if (isEmptyRange(fromInclusive, toExclusive)) {
      return;
    }
    MergingVisitor merge = new MergingVisitor(range(staged, fromInclusive, toExclusive), visitor);
    base.scan(keyspace, fromInclusive, toExclusive, merge);
    merge.drain();
  }

  /** True when these writes read through to store, that is, they were staged on it. */
  boolean isStagedOn(StateReader store) {
    return base == store;
  }

  /**
   * Hands every staged mutation to visitor, keyspaces in name order and keys in key order. The
   * arrays are the staged ones, not copies: a store must only read them.
   */
  <E extends Exception> void forEachMutation(MutationVisitor<E> visitor) throws E {
    for (Map.Entry<String, TreeMap<byte[], byte[]>> keyspace : overlay.entrySet()) {
      for (Map.Entry<byte[], byte[]> entry : keyspace.getValue().entrySet()) {
        visitor.visit(keyspace.getKey(), entry.getKey(), entry.getValue());
      }
    }
  }

  private void stage(String keyspace, byte[] key, byte[] valueOrNull) {
    TreeMap<byte[], byte[]> staged = keyspace(keyspace);
    Objects.requireNonNull(key, "key");
    byte[] copy = key.clone();
    if (!staged.containsKey(copy)) {
      size++;
    }
    staged.put(copy, valueOrNull);
  }

  private TreeMap<byte[], byte[]> keyspace(String keyspace) {
    TreeMap<byte[], byte[]> staged = overlay.get(Objects.requireNonNull(keyspace, "keyspace"));
    if (staged == null) {
      throw new IllegalArgumentException("unknown keyspace: " + keyspace);
    }
    return staged;
  }

  static boolean isEmptyRange(byte[] fromInclusive, byte[] toExclusive) {
    return fromInclusive != null && toExclusive != null
        && Keys.compare(fromInclusive, toExclusive) >= 0;
  }

  private static NavigableMap<byte[], byte[]> range(
      NavigableMap<byte[], byte[]> map, byte[] fromInclusive, byte[] toExclusive) {
    NavigableMap<byte[], byte[]> from =
        fromInclusive == null ? map : map.tailMap(fromInclusive, true);
    return toExclusive == null ? from : from.headMap(toExclusive, false);
  }

  /**
   * Merges the staged entries of a range into the base's scan of the same range. Staged entries
   * win over base entries with the same key, and a staged tombstone hides its base entry.
   */
  private static final class MergingVisitor implements EntryVisitor {
    private final Iterator<Map.Entry<byte[], byte[]>> staged;
    private final EntryVisitor target;
    private Map.Entry<byte[], byte[]> next;
    private boolean stopped;

    MergingVisitor(NavigableMap<byte[], byte[]> staged, EntryVisitor target) {
      this.staged = staged.entrySet().iterator();
      this.target = target;
      advance();
    }

    @Override
    public boolean visit(byte[] key, byte[] value) {
      // First everything staged below the base key, then the base key itself unless overridden.
      while (next != null && Keys.compare(next.getKey(), key) < 0) {
        if (!emitStaged()) {
          return false;
        }
      }
      if (next != null && Keys.compare(next.getKey(), key) == 0) {
        return emitStaged();
      }
      stopped = !target.visit(key, value);
      return !stopped;
    }

    /** Emits the staged entries above the base's last key, unless the visitor stopped. */
    void drain() {
      while (!stopped && next != null) {
        emitStaged();
      }
    }

    private boolean emitStaged() {
      Map.Entry<byte[], byte[]> entry = next;
      advance();
      if (entry.getValue() != null) {
        stopped = !target.visit(entry.getKey().clone(), entry.getValue().clone());
      }
      return !stopped;
    }

    private void advance() {
      next = staged.hasNext() ? staged.next() : null;
    }
  }
}
