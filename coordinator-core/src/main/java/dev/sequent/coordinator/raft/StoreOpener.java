package dev.sequent.coordinator.raft;

import dev.sequent.storage.StateStore;
import java.nio.file.Path;

/**
 * Opens the live state store in a directory, creating it when missing. The state machine reopens its
 * store through this after a snapshot from the leader replaced it, so it must not know which
 * implementation (RocksDB, or in-memory for simulation) it runs on.
 */
@FunctionalInterface
public interface StoreOpener {
  StateStore open(Path dir);
}
