/**
 * {@code sequent-admin}, the operator's command line ({@link dev.sequent.cli.SequentCli}): one
 * picocli command per operation, each a thin layer over {@link dev.sequent.client.AdminClient}
 * that prints a table for people or one JSON document for scripts. Expected failures become one
 * line on stderr and an exit code (1 refused, 2 usage, 3 unreachable), never a stack trace.
 *
 * <p>Depends on tcc-client and picocli only; must not import the coordinator.
 */
package dev.sequent.cli;
