package dev.sequent.client.participant;

/**
 * A participant's business: try, confirm and cancel of its branches. Registered on a {@link
 * ParticipantEndpoint} under a participant id, together with the {@link FenceStore} that fences it.
 *
 * <p>Each method runs inside the fence's local transaction: with a {@link JdbcFenceStore}, {@link
 * BranchContext#connection()} is that transaction's connection, and every change made through it
 * commits or rolls back together with the branch's fence row (and, in phase two, the participant's
 * applied seq). Do not commit, roll back, close it or switch auto-commit: the fence owns it (those
 * calls throw). With a {@link RocksFenceStore} there is no shared transaction: the fence is atomic,
 * the resource's own effects are its own business, so make them idempotent by (xid, branch id).
 *
 * <p>Throw to fail. What the fence guarantees:
 *
 * <ul>
 *   <li>{@code onTry} runs at most once per branch that committed; if it throws, its changes
 *       through the connection are rolled back, the branch is recorded as {@link
 *       FenceState#TRY_FAILED} and the initiator hears {@code TRY_FAILED}. A try after its
 *       branch's cancel is refused without calling it (anti-suspension).
 *   <li>{@code onConfirm} and {@code onCancel} run in the participant's sequence order, one at a
 *       time, each at most once per branch that committed; if one throws, nothing of that call is
 *       kept and the coordinator retries it later. A cancel that arrives without a try (an empty
 *       cancel) is recorded without calling {@code onCancel}. A cancel after a failed try does call
 *       {@code onCancel}, with {@link BranchContext#tryFailed()} true, because a failed try may
 *       have left effects outside the local transaction.
 *   <li>Calls of one participant may come from different threads (tries run on a pool, phase two
 *       on one thread per participant), and tries of different branches run concurrently.
 * </ul>
 */
public interface TccResource {

  /** Reserves the branch's effects (phase one). Throw to refuse or fail. */
  void onTry(BranchContext branch) throws Exception;

  /** Makes the reserved effects final (phase two). Throw to have it retried later. */
  void onConfirm(BranchContext branch) throws Exception;

  /**
   * Releases what the try reserved (phase two); the try may have failed part-way, see {@link
   * BranchContext#tryFailed()}. Throw to have it retried later.
   */
  void onCancel(BranchContext branch) throws Exception;
}
