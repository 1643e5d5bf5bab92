/**
 * The initiator's side of Sequent: {@link dev.sequent.client.TccClient} begins transactions,
 * registers branches, decides and asks for status, following the cluster's leader.
 *
 * <p>Public: the client and its builder, the request and result records ({@link
 * dev.sequent.client.Branch}, {@link dev.sequent.client.TxnResult}, {@link
 * dev.sequent.client.TxnSnapshot}, {@link dev.sequent.client.BranchSnapshot}), their enums and
 * {@link dev.sequent.client.TccClientException}. Everything else is package-private: the per-call
 * retry and redirect logic ({@code InitiatorCall}), the node directory and leader guess ({@code
 * NodeDirectory}), one pipelined connection per node ({@code NodeConnections}, {@code
 * ReplyHandler}) and metrics ({@code ClientMetrics}).
 *
 * <p>Threads: network work runs on daemon event loops named {@code sequent-client-io-N} and never
 * blocks there (host names resolve on their own thread); callers' futures complete on the callback
 * executor ({@code sequent-client-callback-N} by default). Blocking calls refuse event-loop
 * threads.
 *
 * <p>Depends on {@code dev.sequent.protocol} (messages, outcomes, framing), Netty and Micrometer;
 * must not import the coordinator or storage.
 */
package dev.sequent.client;
