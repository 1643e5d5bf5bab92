/**
 * The bank node: one of the example account services ({@code examples}' H2 or RocksDB bank) as
 * a program that runs in a chaos test's container, with a small HTTP control port the harness
 * reads evidence from: a consistent snapshot of the accounts with the last phase-2 seq they
 * reflect, the journal of applied phase-2 calls with the fence's watermark, and fence rows.
 * The control port only reads; money moves only through the participant endpoint, as in
 * production.
 */
package dev.sequent.chaos.bank;
