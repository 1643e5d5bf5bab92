/**
 * The client port: a Netty server that turns wire requests into table commands for the proposer
 * (writes, leader only) or into linearizable reads (any node), and answers each with its request
 * id. Owns the mapping between wire messages and table types. Must not touch the store or Ratis
 * directly: writes go through the proposer, reads through {@link
 * dev.sequent.coordinator.raft.RaftNode#submitRead}.
 */
package dev.sequent.coordinator.ingress;
