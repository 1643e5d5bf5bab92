package dev.sequent.storage;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The naming rules every store applies to keyspaces, so that a set of keyspaces accepted by one
 * implementation is accepted by all of them.
 */
final class KeyspaceNames {

  /** RocksDB's own column family, which always exists; Sequent never stores anything in it. */
  static final String ROCKS_DEFAULT = "default";
  /** The private column family where the RocksDB store keeps its applied index. */
  static final String META = "sequent.meta";

  private KeyspaceNames() {}

  /**
   * Returns an immutable copy of keyspaces after checking every name: not null, not empty, at most
   * 255 characters, and not one of the reserved names {@value #ROCKS_DEFAULT} and {@value #META}.
   * The copy iterates in name order, because {@code Set.copyOf} iterates in an order that changes
   * from one JVM run to the next, and a deterministic simulation must not depend on that.
   */
  static Set<String> validate(Set<String> keyspaces) {
    Objects.requireNonNull(keyspaces, "keyspaces");
    for (String name : keyspaces) {
      if (name == null || name.isEmpty() || name.length() > 255) {
        throw new IllegalArgumentException("keyspace names must have 1 to 255 characters: " + name);
      }
      if (name.equals(ROCKS_DEFAULT) || name.equals(META)) {
        throw new IllegalArgumentException("keyspace name is reserved: " + name);
      }
    }
    return Collections.unmodifiableSortedSet(new TreeSet<>(keyspaces));
  }
}
