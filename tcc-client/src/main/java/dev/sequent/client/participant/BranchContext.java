package dev.sequent.client.participant;

import java.sql.Connection;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link TccResource} is told about the branch it works on.
 *
 * <p>Valid only during the call it was passed to: the connection stops working when the fence's
 * transaction ends.
 */
public final class BranchContext {

  /** Which step of the branch this is. */
  public enum Phase {
    TRY,
    CONFIRM,
    CANCEL
  }

  private final String participant;
  private final String xid;
  private final String branchId;
  private final byte[] payload;
  private final Phase phase;
  private final long seq;
  private final long term;
  private final boolean tryFailed;
  private final Connection connection;

  private BranchContext(String participant, String xid, String branchId, byte[] payload,
      Phase phase, long seq, long term, boolean tryFailed, Connection connection) {
    this.participant = Objects.requireNonNull(participant, "participant");
    this.xid = Objects.requireNonNull(xid, "xid");
    this.branchId = Objects.requireNonNull(branchId, "branchId");
    this.payload = Objects.requireNonNull(payload, "payload").clone();
    this.phase = phase;
    this.seq = seq;
    this.term = term;
    this.tryFailed = tryFailed;
    this.connection = connection;
  }

  static BranchContext forTry(String participant, String xid, String branchId, byte[] payload,
      Connection connection) {
    return new BranchContext(participant, xid, branchId, payload, Phase.TRY, 0, 0, false,
        connection);
  }

  static BranchContext forPhaseTwo(String participant, String xid, String branchId,
      byte[] payload, Phase phase, long seq, long term, boolean tryFailed, Connection connection) {
    if (phase == Phase.TRY) {
      throw new IllegalArgumentException("phase two is CONFIRM or CANCEL");
    }
    return new BranchContext(participant, xid, branchId, payload, phase, seq, term, tryFailed,
        connection);
  }

  /** The participant id this branch belongs to. */
  public String participant() {
    return participant;
  }

  /** The transaction id. */
  public String xid() {
    return xid;
  }

  /** The branch id, unique within the transaction. */
  public String branchId() {
    return branchId;
  }

  /**
   * A copy of the branch's payload: for a try, what the initiator sent with it; for phase two,
   * what the branch was registered with at the coordinator.
   */
  public byte[] payload() {
    return payload.clone();
  }

  /** TRY, CONFIRM or CANCEL. */
  public Phase phase() {
    return phase;
  }

  /** The participant sequence number of this phase-2 call; 0 for a try. */
  public long seq() {
    return seq;
  }

  /** The Raft term of the leader that sent this phase-2 call; 0 for a try. */
  public long term() {
    return term;
  }

  /**
   * True for a cancel whose try had failed: the try's changes through the fence's connection were
   * rolled back, but anything it did elsewhere may need undoing.
   */
  public boolean tryFailed() {
    return tryFailed;
  }

  /**
   * The connection of the fence's local transaction, when the fence is a {@link JdbcFenceStore}:
   * business changes made through it commit atomically with the fence row and the watermark.
   * Empty with other fence stores.
   */
  public Optional<Connection> connection() {
    return Optional.ofNullable(connection);
  }

  @Override
  public String toString() {
    return "BranchContext[" + phase + " participant=" + participant + " xid=" + xid + " branch="
        + branchId + (phase == Phase.TRY ? "" : " seq=" + seq + " term=" + term)
        + (tryFailed ? " tryFailed" : "") + " payload=" + payload.length + " bytes]";
  }
}
