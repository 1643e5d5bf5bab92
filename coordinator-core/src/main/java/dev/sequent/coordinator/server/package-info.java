/**
 * Assembly: one coordinator node from its configuration ({@link
 * dev.sequent.coordinator.server.CoordinatorNode}), the process launcher ({@link
 * dev.sequent.coordinator.server.ServerMain}), leader-only timers (expiry), and an embedded
 * multi-node cluster for the demo and tests. The only package that depends on all the others.
 */
package dev.sequent.coordinator.server;
