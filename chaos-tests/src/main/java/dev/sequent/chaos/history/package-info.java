/**
 * The workload's history, Jepsen-style: every operation a client process ran, as an invoke
 * event and a completion (ok, fail, or info when the outcome is unknown), with a monotonic time
 * and the process id, kept in one {@link dev.sequent.chaos.history.History} that client threads
 * append to and that reads and writes JSON lines.
 *
 * <p>Operations are bank transfers ({@link dev.sequent.chaos.history.Transfer}) and reads of
 * every balance ({@link dev.sequent.chaos.history.Read}). Depends only on {@code
 * dev.sequent.chaos.json}; must not import the checker, the harness or any cluster client, so a
 * saved history can be read and checked anywhere.
 */
package dev.sequent.chaos.history;
