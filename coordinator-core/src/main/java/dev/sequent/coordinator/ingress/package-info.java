/**
 * The client port: a Netty server that turns wire requests into table commands for the proposer
 * (writes, leader only) or into linearizable reads (any node), and answers each with its request
 * id. Owns the mapping between wire messages and table types. Operators' requests (node status,
 * pages of txns and of calls needing an operator, snapshots, membership changes) are served by
 * {@code AdminRequests} on the same port. Must not touch the store or Ratis directly: writes go
 * through the proposer, reads through {@link dev.sequent.coordinator.raft.RaftNode#submitRead},
 * snapshots and membership changes through RaftNode's methods for them.
 */
package dev.sequent.coordinator.ingress;
