/**
 * The bytes of the Raft log: {@link dev.sequent.coordinator.log.LogEntry} and its codec, and the
 * encoding of the results that go back to a proposer.
 *
 * <p>Owns the log format (private to coordinator-core, versioned on its own, not a wire message).
 * Depends on the commands of {@code dev.sequent.coordinator.table} and on {@code
 * dev.sequent.protocol.Outcome}; must not import Ratis, Netty, RocksDB, protobuf, any clock,
 * randomness or threads, nor the Raft adapter, ingress or dispatcher (they depend on it).
 * ArchitectureTest enforces this.
 */
package dev.sequent.coordinator.log;
