/**
 * The demo (the README's main job): {@link dev.sequent.examples.Demo} starts a three-node cluster
 * and the two banks of {@link dev.sequent.examples.bank} in one JVM, runs concurrent transfers,
 * and checks what happened against independent records.
 *
 * <p>Data flows: {@code Workload} (the plan, from the seed), {@code Runner} (transfers in flight,
 * through {@code TransferService} and the misbehaving {@code HangingInitiator}; {@code
 * LeaderKiller} on the side), {@code ClusterView} (the cluster's record), {@code Checks} and
 * {@code Summary}. Everything here is demo machinery; the code a service would copy is in the
 * {@code bank} and {@code embedding} packages.
 *
 * <p>May import the coordinator (for {@code EmbeddedCluster}), the client and the example
 * services; nothing imports this package.
 */
package dev.sequent.examples;
