package dev.sequent.client.participant;

import java.sql.Connection;

/**
 * One local transaction of a fence store, on one branch (see {@link FenceBackend}). Not
 * thread-safe: the work that received it owns it until it returns.
 */
interface FenceTransaction {

  /** The participant's watermark; only in a phase-two transaction. */
  Watermark watermark() throws Exception;

  /** The branch's fence row as this transaction sees it, or null when there is none. */
  BranchFence branch() throws Exception;

  /**
   * Writes the branch's fence row (insert or update). May throw {@link FenceConflictException}
   * when a concurrent transaction inserted the row first; the store then re-runs the work.
   */
  void put(BranchFence fence) throws Exception;

  /** Writes the participant's watermark; only in a phase-two transaction. */
  void put(Watermark watermark) throws Exception;

  /**
   * Marks where the resource's business changes begin, so {@link #discardBusiness} can undo them
   * while keeping the fence writes made before it.
   */
  void beginBusiness() throws Exception;

  /** Undoes the business changes since {@link #beginBusiness}; fence writes before it stay. */
  void discardBusiness() throws Exception;

  /** The connection the resource works through, or null when the store has none (RocksDB). */
  Connection connection();
}
