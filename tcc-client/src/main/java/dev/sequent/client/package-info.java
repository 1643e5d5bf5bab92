/**
 * The initiator's side of Sequent: {@link dev.sequent.client.TccClient} begins transactions,
 * registers branches, decides and asks for status, following the cluster's leader; it also sends
 * tries straight to participant endpoints ({@code tryBranch}), runs a whole transaction ({@link
 * dev.sequent.client.TccTransaction}: begin with every branch, parallel tries, decide), and carries
 * the calls of participants and operators (announce an endpoint, resolve a phase-2 call). {@link
 * dev.sequent.client.AdminClient} carries the rest of an operator's calls (node status, pages of
 * txns and of calls needing an operator, snapshots, membership changes) over a client's
 * connections. The participant side lives next door, in {@link dev.sequent.client.participant}.
 *
 * <p>Public: the client and its builder, {@link dev.sequent.client.AdminClient} and {@link
 * dev.sequent.client.AdminException}, {@link dev.sequent.client.TccTransaction}, the request
 * and result records ({@link dev.sequent.client.Branch}, {@link dev.sequent.client.TxnResult},
 * {@link dev.sequent.client.TryResult}, {@link dev.sequent.client.TransactionResult}, {@link
 * dev.sequent.client.TxnSnapshot}, {@link dev.sequent.client.BranchSnapshot}), their enums and
 * {@link dev.sequent.client.TccClientException}. Everything else is package-private: the per-call
 * retry and redirect logic ({@code InitiatorCall}; {@code TryCall} for tries, which have no leader
 * to follow), the node directory and leader guess ({@code NodeDirectory}), one pipelined connection
 * per node or endpoint ({@code NodeConnections}, {@code ReplyHandler}) and metrics ({@code
 * ClientMetrics}).
 *
 * <p>Threads: network work runs on daemon event loops named {@code sequent-client-io-N} and never
 * blocks there (host names resolve on their own thread); callers' futures complete on the callback
 * executor ({@code sequent-client-callback-N} by default). Blocking calls refuse event-loop
 * threads.
 *
 * <p>TLS: {@code TccClient.Builder.tls} takes a {@link dev.sequent.protocol.tls.TlsSettings}; every
 * connection then checks the peer's certificate and host name and presents the client's own
 * certificate. A refusal of the client's credentials is final for a call (see {@code
 * AttemptFailure.Kind.REFUSED}).
 *
 * <p>Depends on {@code dev.sequent.protocol} (messages, outcomes, framing, TLS), Netty and
 * Micrometer; must not import the coordinator, storage or the participant package (which depends
 * on this one).
 */
package dev.sequent.client;
