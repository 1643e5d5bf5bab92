/**
 * The TCC transaction table: the pure core of the coordinator.
 *
 * <p>Owns the txn and branch model, the participants' phase-2 sequences, watermarks and endpoints,
 * the commands of the Raft log ({@link dev.sequent.coordinator.table.Command}), the rules that
 * apply them (DESIGN.md rules 3 and 6) and the private encoding of its records in the store's
 * keyspaces. Commands come in with the leader's
 * time; results and staged writes go out.
 *
 * <p>Must not import: Ratis, Netty, RocksDB, protobuf, any clock or source of randomness,
 * threads or java.util.concurrent, nor any other coordinator package (the Raft adapter, ingress,
 * dispatcher and log format depend on this package, never the reverse). Besides the JDK's plain
 * types it may import only {@code dev.sequent.storage} and {@code dev.sequent.protocol.Outcome}.
 * ArchitectureTest enforces this.
 */
package dev.sequent.coordinator.table;
