package dev.sequent.coordinator.table;

/**
 * Every limit the table enforces (DESIGN.md rule 6), validated once, here.
 *
 * <p>The limits are part of the replicated state machine's definition: a command refused on one
 * node must be refused on all, and on a replay after a restart. Every node of a cluster must run
 * with the same limits, and changing them means all nodes agree at the same log position (today:
 * a full restart; later, possibly a log command).
 *
 * @param xidBytesMax longest xid, in bytes (ids are printable ASCII, so bytes = characters)
 * @param idBytesMax longest branch id or participant name, in bytes
 * @param branchesPerTxnMax most branches one txn may have, at begin and after registers
 * @param payloadBytesMax largest payload of one branch
 * @param activeTxnsMax most txns in TRYING at once; begin beyond it is back-pressured
 * @param txnTimeoutMsMin shortest timeout a begin may ask for
 * @param txnTimeoutMsMax longest timeout a begin may ask for
 * @param ackBatchMax most acks in one RecordAcks command
 * @param expireBatchMax largest maxTxns of one ExpireDue command
 * @param pageEntriesMax largest page the read side returns from list and pending
 */
public record TableLimits(
    int xidBytesMax,
    int idBytesMax,
    int branchesPerTxnMax,
    int payloadBytesMax,
    int activeTxnsMax,
    long txnTimeoutMsMin,
    long txnTimeoutMsMax,
    int ackBatchMax,
    int expireBatchMax,
    int pageEntriesMax) {

  /** Hard ceiling on an xid: keys stay small in every index. */
  static final int XID_BYTES_CEILING = 1024;
  /** Hard ceiling on other ids: the phase-2 key stores a participant's length in one byte. */
  static final int ID_BYTES_CEILING = 255;
  /** Hard ceiling on one stored txn record, so a record always fits comfortably in a batch. */
  static final long TXN_RECORD_BYTES_CEILING = 64L * 1024 * 1024;
  /** Hard ceiling on a timeout (30 days): deadlines stay far from overflow. */
  static final long TXN_TIMEOUT_MS_CEILING = 30L * 24 * 3600 * 1000;

  /** Limits that suit a small cluster and typical TCC txns. */
  public static final TableLimits DEFAULTS =
      new TableLimits(128, 128, 64, 16 * 1024, 100_000, 100, 600_000, 4096, 1024, 1000);

  public TableLimits {
    requireRange("xidBytesMax", xidBytesMax, 1, XID_BYTES_CEILING);
    requireRange("idBytesMax", idBytesMax, 1, ID_BYTES_CEILING);
    requireRange("branchesPerTxnMax", branchesPerTxnMax, 1, 100_000);
    requireRange("payloadBytesMax", payloadBytesMax, 0, 16 * 1024 * 1024);
    requireRange("activeTxnsMax", activeTxnsMax, 1, Integer.MAX_VALUE);
    requireRange("txnTimeoutMsMin", txnTimeoutMsMin, 1, TXN_TIMEOUT_MS_CEILING);
    requireRange("txnTimeoutMsMax", txnTimeoutMsMax, txnTimeoutMsMin, TXN_TIMEOUT_MS_CEILING);
    requireRange("ackBatchMax", ackBatchMax, 1, 1_000_000);
    requireRange("expireBatchMax", expireBatchMax, 1, 1_000_000);
    requireRange("pageEntriesMax", pageEntriesMax, 1, 1_000_000);
    // A txn record holds every branch with its ids and payload: bound its worst case.
    long branchBytesMax = (long) payloadBytesMax + 2L * idBytesMax + 32;
    if (branchesPerTxnMax * branchBytesMax > TXN_RECORD_BYTES_CEILING) {
      throw new IllegalArgumentException(
          "branchesPerTxnMax x (payloadBytesMax + ids) exceeds "
              + TXN_RECORD_BYTES_CEILING + " bytes per txn");
    }
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], was " + value);
    }
  }
}
