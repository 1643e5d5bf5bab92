/**
 * JMH micro-benchmarks of the coordinator's hot paths, one class per path, each score per unit of
 * work (a command, a request, a batch) so a change shows as a cost per thing the cluster does.
 *
 * <ul>
 *   <li>{@link dev.sequent.bench.micro.TableApplyBenchmark}: {@code TransactionTable.applyEntry}
 *       of a steady-state entry (64 begins, 64 decides, one ack command), with and without the
 *       commit, over the in-memory store and RocksDB; per command. It matters because apply runs
 *       on one state-machine thread on every node: its cost per command is the ceiling of
 *       cluster throughput once the proposer batches (DESIGN.md, "Ratis and RocksDB facts").
 *   <li>{@link dev.sequent.bench.micro.LogEntryCodecBenchmark}: the Raft entry and reply codec;
 *       per command. An entry is decoded twice on the leader and once per follower, on the same
 *       Ratis threads as apply, so it competes with apply for that ceiling.
 *   <li>{@link dev.sequent.bench.micro.WireCodecBenchmark}: framing of a begin request and its
 *       reply with the real Netty encoder and decoder; per request. It runs on the event loops of
 *       every client and node, for every request.
 *   <li>{@link dev.sequent.bench.micro.StoreCommitBenchmark}: {@code StateStore.commit} of a batch
 *       of table-shaped puts, RocksDB against memory; per batch. Paid once per entry under the
 *       store's writer lock; it separates the fixed cost of an entry from the cost per write.
 * </ul>
 *
 * <p>The workload ({@link dev.sequent.bench.micro.TccWorkload}) is deterministic and checked: a
 * benchmark fails rather than measure a refused command or leak a buffer. Stores live in fresh
 * temporary directories, closed and deleted in tear-down. These measure one thread's costs on an
 * idle cluster's code paths; the load generator ({@code dev.sequent.bench.Bench}) measures the
 * cluster. Run: {@code java -cp benchmarks/target/classes:<classpath> org.openjdk.jmh.Main
 * 'dev.sequent.bench.micro' -f 1 -wi 2 -i 3 -w 2s -r 2s}.
 *
 * <p>Uses only the public API of coordinator-core, storage and tcc-protocol.
 */
package dev.sequent.bench.micro;
