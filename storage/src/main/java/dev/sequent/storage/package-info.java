/**
 * A domain-free, durable key-value state: named keyspaces of byte keys in unsigned lexicographic
 * order, written only in atomic batches that carry the Raft applied index they bring the state to,
 * read by point gets and half-open range or prefix scans, and copied whole by checkpoints.
 *
 * <p>It owns: the {@link dev.sequent.storage.StateStore} contract and its two implementations
 * ({@link dev.sequent.storage.RocksStateStore}, one column family per keyspace; and
 * {@link dev.sequent.storage.InMemoryStateStore}, for deterministic simulation), the staged
 * read-your-writes overlay of a batch ({@link dev.sequent.storage.StagedWrites}), the on-disk
 * formats of both stores, and RocksDB's memory limits ({@link dev.sequent.storage.RocksConfig}).
 *
 * <p>It must not import anything of Sequent (no {@code dev.sequent} package outside this one),
 * nor Ratis, Netty or protobuf: it knows nothing of transactions, branches, participants or
 * messages, only keys, values and positions. Encoding records into keys and values is the caller's
 * business. Its only dependencies are RocksDB and SLF4J.
 */
package dev.sequent.storage;
