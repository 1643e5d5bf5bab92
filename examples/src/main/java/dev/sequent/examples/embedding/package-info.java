/**
 * The smallest picture of embedding Sequent in services of your own: {@link
 * dev.sequent.examples.embedding.OrdersService} (a participant with its own HTTP API and database,
 * wired in a few lines) and {@link dev.sequent.examples.embedding.CheckoutInitiator} (an
 * initiator that sends the xid along in an HTTP header). {@link
 * dev.sequent.examples.embedding.EmbeddingExample} runs both against a cluster.
 *
 * <p>Only the example's main imports the coordinator, to start a cluster in the same JVM.
 */
package dev.sequent.examples.embedding;
