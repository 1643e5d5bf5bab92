/**
 * The proposer: batches many client commands into one Raft entry, keeps each command's reply, and
 * answers every failure to get a command applied with a transient outcome. Knows nothing of the
 * wire protocol's messages.
 */
package dev.sequent.coordinator.propose;
