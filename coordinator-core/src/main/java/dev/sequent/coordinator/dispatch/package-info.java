/**
 * Phase two on the leader: delivers each participant's confirms and cancels over one pinned
 * connection, strictly in seq order, within a window, carrying the leader's term, and proposes
 * the participants' cumulative acks back into the log (DESIGN.md "Phase two").
 *
 * <p>Owns, in data-flow order: {@link dev.sequent.coordinator.dispatch.ParticipantStream}, the
 * pure per-participant state machine (order, window, acks, retries with {@link
 * dev.sequent.coordinator.dispatch.BackoffPolicy}, the operator pause, fencing by term); {@link
 * dev.sequent.coordinator.dispatch.DispatchAgent}, the loop of one term that reads the table,
 * steps the streams and proposes, with no thread, clock or socket of its own (so a simulator can
 * drive both with a virtual clock, a seeded jitter source and a simulated {@link
 * dev.sequent.coordinator.dispatch.Transport}); and the I/O shell: {@link
 * dev.sequent.coordinator.dispatch.NettyTransport} and {@link
 * dev.sequent.coordinator.dispatch.Dispatcher}, the public face the server wires to leadership
 * events and applied entries. The agent, its {@code Transport} and {@code JitterSource} are
 * public too, for the deterministic simulator in chaos-tests; the stream stays package-private.
 *
 * <p>Depends on the table (reads and commands), the protocol's messages and framing, storage's
 * {@code StateReader}, Netty and Micrometer. Must not import Ratis, RocksDB, the Raft adapter,
 * the proposer, ingress or server (it gets the store and a propose function passed in). The
 * stream, its backoff and the agent must not import Netty, read a clock, use {@code Random} or
 * start threads. ArchitectureTest enforces this.
 */
package dev.sequent.coordinator.dispatch;
