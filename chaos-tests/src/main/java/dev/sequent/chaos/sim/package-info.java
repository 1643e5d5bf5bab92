/**
 * Deterministic simulation of the coordinator, in the manner of FoundationDB and TigerBeetle: the
 * real {@code TransactionTable} over the in-memory state store, the real dispatcher logic ({@code
 * DispatchAgent} and its streams: order, window, cumulative acks, backoff, attempt limit, stale
 * terms) and the real participant fence ({@code Fence} over a {@code RocksFenceStore} on an
 * in-memory store), run in one thread with a virtual clock, one seeded random source and a
 * simulated network between initiators, a replicated-log stand-in and participants.
 *
 * <p>Owns, in data-flow order: {@link dev.sequent.chaos.sim.Scheduler} (virtual time, the event
 * queue, the step count), {@link dev.sequent.chaos.sim.SimNetwork} (loss, delay, duplication,
 * reordering, connection resets), {@link dev.sequent.chaos.sim.SimInitiator} (bank transfers),
 * {@link dev.sequent.chaos.sim.SimLog} (the log stand-in: leader, term, commit, elections),
 * {@link dev.sequent.chaos.sim.SimCoordinator} (the leaders' dispatch agents, expiry and the
 * operator), {@link dev.sequent.chaos.sim.SimParticipant} (fence and bank resource, crashes),
 * {@link dev.sequent.chaos.sim.Invariants} (checked where each fact changes, so the first broken
 * one names its step), and {@link dev.sequent.chaos.sim.Simulation} / {@link
 * dev.sequent.chaos.sim.Swarm} which run one seed or many.
 *
 * <p>Must not use threads, clocks or unseeded randomness: everything that varies comes from the
 * seed, so {@code -Dseed=} replays a run step for step. Must not modify the container checker
 * ({@code dev.sequent.chaos.checker}); the invariants here are its incremental counterparts.
 */
package dev.sequent.chaos.sim;
