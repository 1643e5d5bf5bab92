package dev.sequent.client.participant;

/**
 * The transaction machinery behind a {@link FenceStore}, as {@link Fence} uses it.
 *
 * <p>Contract of {@link #inTransaction}:
 *
 * <ul>
 *   <li>Everything the work writes through its {@link FenceTransaction}, and (JDBC) everything the
 *       resource writes through the transaction's connection, is committed at once when the work
 *       returns, or not at all when it throws. The work's exception is rethrown unchanged.
 *   <li>No other transaction changes the branch (participant, xid, branchId) between the work's
 *       read of it and the commit; with {@code phaseTwo}, none changes the participant's watermark
 *       either, so two writers of one participant's phase-2 stream cannot interleave.
 *   <li>When the store finds that a concurrent transaction created the same branch row first
 *       ({@link FenceConflictException}), it rolls back and runs the work again in a new
 *       transaction, a bounded number of times; the work must therefore be safe to re-run after a
 *       rollback (it is: the resource's changes in the rolled-back transaction are gone).
 *   <li>Waits for locks are bounded; running out throws.
 * </ul>
 */
interface FenceBackend {

  /** The machinery behind a store; FenceStore is sealed, so every store has one. */
  static FenceBackend of(FenceStore store) {
    if (store instanceof JdbcFenceStore) {
      return ((JdbcFenceStore) store).backend();
    }
    if (store instanceof RocksFenceStore) {
      return ((RocksFenceStore) store).backend();
    }
    throw new AssertionError("FenceStore is sealed; unknown store " + store.getClass());
  }

  /** The work of one local transaction. */
  @FunctionalInterface
  interface FenceWork<T> {
    T run(FenceTransaction tx) throws Exception;
  }

  /** The participant's watermark as last committed (outside any transaction). */
  Watermark watermark(String participant);

  /**
   * Runs {@code work} in one local transaction on the branch (participant, xid, branchId), with
   * the participant's watermark locked when {@code phaseTwo}.
   */
  <T> T inTransaction(String participant, String xid, String branchId, boolean phaseTwo,
      FenceWork<T> work) throws Exception;
}
