/**
 * The participant side of Sequent: the business resource, its fence, and the endpoint that serves
 * tries and phase-2 calls.
 *
 * <p>Public: {@link dev.sequent.client.participant.TccResource} and {@link
 * dev.sequent.client.participant.BranchContext} (what a service implements and is told), {@link
 * dev.sequent.client.participant.ParticipantEndpoint} (the server it embeds), the sealed {@link
 * dev.sequent.client.participant.FenceStore} with its two stores ({@link
 * dev.sequent.client.participant.JdbcFenceStore}, {@link
 * dev.sequent.client.participant.RocksFenceStore}) and the read model of a fence ({@link
 * dev.sequent.client.participant.BranchFence}, {@link dev.sequent.client.participant.FenceState},
 * {@link dev.sequent.client.participant.Watermark}), and the engine that runs the rules in a
 * store's transaction ({@link dev.sequent.client.participant.Fence}: public so that a
 * deterministic simulator can drive a participant's real fence without an endpoint or threads).
 * Package-private: the pure rules ({@code FenceRules}: state in, step out, no I/O), the
 * transaction machinery of the stores ({@code FenceBackend}, {@code FenceTransaction}), and the
 * Netty handler and threads of the endpoint.
 *
 * <p>Data flows: wire frame, {@code EndpointHandler} (event loop: look up, queue), the
 * participant's phase-2 thread or the try pool, {@code Fence}, {@code FenceRules}, the store's
 * local transaction with the resource inside it, commit, answer.
 *
 * <p>Depends on {@code dev.sequent.client} (results, the initiator client for announcing and
 * registering), {@code dev.sequent.protocol}, {@code dev.sequent.storage}, Netty and JDBC; must not
 * import the coordinator.
 */
package dev.sequent.client.participant;
