/**
 * The checker: a history of the bank workload plus the final state collected after healing, in;
 * a {@link dev.sequent.chaos.checker.CheckReport} of violations, out. Each rule is its own check
 * ({@link dev.sequent.chaos.checker.Check}) that rebuilds what it expects independently from the
 * cluster's decisions, the participants' logs and the history, as TigerBeetle's and Jepsen's
 * checkers do; {@link dev.sequent.chaos.checker.Summary} is the run's summary file.
 *
 * <p>Pure: no threads, no clock, no randomness, no I/O but the explicit JSON read and write
 * methods, so a saved run can be checked again anywhere and a test can feed it any history.
 * Depends on {@code dev.sequent.chaos.history}, {@code dev.sequent.chaos.json} and the client
 * library's read models (TxnSnapshot); must not import the harness, containers or a live client.
 * CheckerPurityTest enforces the first sentence.
 */
package dev.sequent.chaos.checker;
