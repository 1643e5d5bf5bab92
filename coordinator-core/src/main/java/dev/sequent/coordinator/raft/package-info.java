/**
 * The only package that knows Ratis: the server and its configuration ({@link
 * dev.sequent.coordinator.raft.RaftNode}), the state machine that applies committed entries to the
 * table and the store in one atomic batch ({@link dev.sequent.coordinator.raft.TccStateMachine}),
 * snapshots as store checkpoints, and the read path. The table it adapts stays pure.
 */
package dev.sequent.coordinator.raft;
