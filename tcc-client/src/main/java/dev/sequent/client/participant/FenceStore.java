package dev.sequent.client.participant;

import java.util.Optional;

/**
 * Where a participant's fence lives: one row per branch ({@link BranchFence}) and one {@link
 * Watermark} per participant, changed only together, in one local transaction per try or phase-2
 * call. One store may hold the fences of several participants.
 *
 * <p>Two stores exist: {@link JdbcFenceStore}, whose transaction is also the resource's business
 * transaction (business change, fence row and watermark commit or roll back together), and {@link
 * RocksFenceStore}, for services without a SQL database, where fence row and watermark are one
 * atomic batch and the resource's own effects are its business. The interface is sealed: the
 * transaction machinery behind it is internal to this package, so the fence's guarantees do not
 * depend on code outside it.
 *
 * <p>The caller owns the store: a {@link ParticipantEndpoint} uses it but never closes it. Close
 * it after the endpoints that use it.
 */
public sealed interface FenceStore extends AutoCloseable permits JdbcFenceStore, RocksFenceStore {

  /**
   * The participant's watermark as last committed ({@link Watermark#NONE} for a new one).
   *
   * @throws RuntimeException when the store cannot be read (a database error, a closed store)
   */
  Watermark watermark(String participant);

  /**
   * The branch's fence row as last committed, or empty when the branch has none.
   *
   * @throws RuntimeException when the store cannot be read (a database error, a closed store)
   */
  Optional<BranchFence> branch(String participant, String xid, String branchId);

  /** Releases the store's resources. Idempotent. */
  @Override
  void close();
}
