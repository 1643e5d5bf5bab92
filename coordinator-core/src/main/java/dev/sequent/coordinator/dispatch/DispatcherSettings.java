package dev.sequent.coordinator.dispatch;

import dev.sequent.protocol.wire.WireFormat;

/**
 * The limits and timings of phase-two dispatch (DESIGN.md rule 6), validated once, here.
 *
 * @param inflightMax phase-2 calls sent to one participant and not yet answered, at most: the
 *     window of its pinned connection
 * @param backoffInitialMs first retry delay after a failed call or a lost connection
 * @param backoffMaxMs cap of the retry delay, which doubles per consecutive failure
 * @param attemptsMax explicit failures of one call (PHASE2_FAILED, CONFIRM_WITHOUT_TRY, any other
 *     refusal) before it is marked NEEDS_OPERATOR; a participant that is down is retried forever
 * @param connectTimeoutMs timeout of one connection attempt
 * @param replyTimeoutMs how long calls may wait for any answer on a connection before it is
 *     presumed dead, closed and reopened (a confirm that runs longer than this is resent, and the
 *     participant's fence answers the duplicate)
 * @param ackBatchMax acks in one RecordAcks command, at most (the table's limit caps it too)
 * @param ackProposalsInflightMax RecordAcks commands proposed and not yet answered, at most
 * @param pendingReadMax calls read from the table for one participant in one read, at most
 * @param idleTickMs how long the dispatcher sleeps when it has nothing to do and nobody wakes it
 * @param tablePollMs how often the table is read when no apply woke the dispatcher (a safety net:
 *     the leader wakes it after every applied entry)
 * @param frameBytesMax largest frame on a participant connection, both ways
 */
public record DispatcherSettings(
    int inflightMax,
    long backoffInitialMs,
    long backoffMaxMs,
    int attemptsMax,
    long connectTimeoutMs,
    long replyTimeoutMs,
    int ackBatchMax,
    int ackProposalsInflightMax,
    int pendingReadMax,
    long idleTickMs,
    long tablePollMs,
    int frameBytesMax) {

  /** Defaults that suit a small cluster; the first five match the node's config defaults. */
  public static final DispatcherSettings DEFAULTS = new DispatcherSettings(
      64, 50, 5_000, 20, 2_000, 30_000, 1024, 2, 256, 5, 100, WireFormat.FRAME_BYTES_MAX_DEFAULT);

  /** @throws IllegalArgumentException naming the first setting out of its range */
  public DispatcherSettings {
    requireRange("inflightMax", inflightMax, 1, 100_000);
    requireRange("backoffInitialMs", backoffInitialMs, 1, 3_600_000);
    requireRange("backoffMaxMs", backoffMaxMs, backoffInitialMs, 3_600_000);
    requireRange("attemptsMax", attemptsMax, 1, 1_000_000);
    requireRange("connectTimeoutMs", connectTimeoutMs, 1, 600_000);
    requireRange("replyTimeoutMs", replyTimeoutMs, 1, 3_600_000);
    requireRange("ackBatchMax", ackBatchMax, 1, 1_000_000);
    requireRange("ackProposalsInflightMax", ackProposalsInflightMax, 1, 1_000);
    requireRange("pendingReadMax", pendingReadMax, 1, 1_000_000);
    requireRange("idleTickMs", idleTickMs, 1, 10_000);
    requireRange("tablePollMs", tablePollMs, 1, 600_000);
    WireFormat.checkFrameBytesMax(frameBytesMax);
  }

  /** These settings with another window. */
  public DispatcherSettings withInflightMax(int value) {
    return new DispatcherSettings(value, backoffInitialMs, backoffMaxMs, attemptsMax,
        connectTimeoutMs, replyTimeoutMs, ackBatchMax, ackProposalsInflightMax, pendingReadMax,
        idleTickMs, tablePollMs, frameBytesMax);
  }

  /** These settings with another retry schedule. */
  public DispatcherSettings withBackoffMs(long initialMs, long maxMs) {
    return new DispatcherSettings(inflightMax, initialMs, maxMs, attemptsMax, connectTimeoutMs,
        replyTimeoutMs, ackBatchMax, ackProposalsInflightMax, pendingReadMax, idleTickMs,
        tablePollMs, frameBytesMax);
  }

  /** These settings with another attempt limit. */
  public DispatcherSettings withAttemptsMax(int value) {
    return new DispatcherSettings(inflightMax, backoffInitialMs, backoffMaxMs, value,
        connectTimeoutMs, replyTimeoutMs, ackBatchMax, ackProposalsInflightMax, pendingReadMax,
        idleTickMs, tablePollMs, frameBytesMax);
  }

  /** These settings with other connection timeouts. */
  public DispatcherSettings withTimeoutsMs(long connectMs, long replyMs) {
    return new DispatcherSettings(inflightMax, backoffInitialMs, backoffMaxMs, attemptsMax,
        connectMs, replyMs, ackBatchMax, ackProposalsInflightMax, pendingReadMax, idleTickMs,
        tablePollMs, frameBytesMax);
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], was " + value);
    }
  }
}
