/**
 * Operational metrics of a coordinator node, per node: what happens to txns as the node applies
 * the log ({@link dev.sequent.coordinator.metrics.TxnMetrics}, an observer of applied entries),
 * gauges of Raft, the store and the table read on scrape, and the HTTP endpoint serving them in
 * Prometheus text format with a health check ({@link
 * dev.sequent.coordinator.metrics.MetricsEndpoint}). {@link
 * dev.sequent.coordinator.metrics.NodeMetrics} is what the server wires. Every metric is listed
 * in docs/metrics.md (a test keeps the two in step).
 *
 * <p>Metrics observe and never act: they write no replicated state, propose nothing, and never
 * let a failure of their own reach the apply. Depends on the table's reads, the Raft adapter
 * (for its observer hook and the node's role and indexes), storage's RocksDB statistics, config
 * and Micrometer. Must not import ingress, the proposer, the dispatcher or the server; the table,
 * the log format and the Raft adapter must not import it. MetricsArchitectureTest enforces this.
 */
package dev.sequent.coordinator.metrics;
