package dev.sequent.coordinator.table;

import dev.sequent.storage.StagedWrites;
import dev.sequent.storage.StateReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The TCC transaction table: commands in, results and staged mutations out, nothing else. Pure
 * (DESIGN.md rule 2): no clock, no thread, no I/O of its own; time arrives with each entry.
 *
 * <p>All state lives in the store, in the keyspaces of {@link #keyspaces()}; this object holds only
 * its immutable limits, so it is consistent with any snapshot or restart by construction, and the
 * same entries applied to the same store always write the same bytes on every replica.
 *
 * <p>Failure contract: a business rejection is a {@link CommandResult} with an outcome; a broken
 * invariant (a corrupt record, an index that disagrees with a txn, a seq going backwards) is an
 * {@link IllegalStateException}, after which the caller must discard the staged writes and stop.
 */
public final class TransactionTable {

  private final TableLimits limits;

  public TransactionTable(TableLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The keyspaces the store must be opened with for this table. */
  public static Set<String> keyspaces() {
    return TableKeys.ALL;
  }

  public TableLimits limits() {
    return limits;
  }

  /**
   * Applies one Raft entry. Cluster time becomes max(persisted cluster time, leaderTimeMs), so it
   * never goes backwards even when a new leader's clock is behind, and is persisted with the
   * entry's other writes. Then each command is applied in order at that cluster time, each seeing
   * the writes of the ones before it.
   *
   * @return one result per command, in order
   * @throws IllegalStateException when the stored state breaks an invariant
   */
  public List<CommandResult> applyEntry(
      long leaderTimeMs, List<Command> commands, StagedWrites state) {
    return applyEntry(leaderTimeMs, commands, state, change -> { });
  }

  /**
   * {@link #applyEntry(long, List, StagedWrites)}, telling {@code changes} each lifecycle step
   * the entry makes, in the order it makes them (metrics count these instead of reading the
   * store).
   */
  public List<CommandResult> applyEntry(long leaderTimeMs, List<Command> commands,
      StagedWrites state, Consumer<TxnChange> changes) {
    StagedTable table = new StagedTable(state);
    long persisted = table.clusterTimeMs();
    long nowMs = Math.max(persisted, leaderTimeMs);
    if (nowMs != persisted || !table.hasClusterTime()) {
      table.putClusterTimeMs(nowMs);
    }
    EntryApplier applier = new EntryApplier(limits, table, nowMs, changes);
    List<CommandResult> results = new ArrayList<>(commands.size());
    for (Command command : commands) {
      results.add(applier.apply(command));
    }
    return results;
  }

  /** The txn named xid, or null when there is none. */
  public TxnView find(StateReader state, String xid) {
    TxnRecord txn = new StoredTable(state).txn(xid);
    return txn == null ? null : txn.toView();
  }

  /**
   * A page of txns in xid order (as unsigned UTF-8 bytes, which for valid ids is ASCII order).
   *
   * @param stateOrNull only txns in this state, or all when null
   * @param afterXidOrNull the last xid of the previous page (exclusive), or null for the first page
   * @param limit at most this many txns, in [1, pageEntriesMax]
   */
  public List<TxnView> list(
      StateReader state, TxnState stateOrNull, String afterXidOrNull, int limit) {
    requirePage(limit);
    byte[] from = afterXidOrNull == null ? null : TableKeys.txnAfter(afterXidOrNull);
    List<TxnView> page = new ArrayList<>();
    state.scan(TableKeys.TXN, from, null, (key, value) -> {
      String xid = new String(key, java.nio.charset.StandardCharsets.UTF_8);
      TxnRecord txn;
      try {
        txn = RecordCodec.decodeTxn(xid, value);
      } catch (IllegalStateException e) {
        throw StoredTable.corrupt(TableKeys.TXN, xid, e);
      }
      if (stateOrNull == null || txn.state() == stateOrNull) {
        page.add(txn.toView());
      }
      return page.size() < limit;
    });
    return page;
  }

  /**
   * A page of txns for an operator: like {@link #list}, but the scan stops after scanMax txns
   * whatever it found, so a page costs bounded work however rare the filtered state is (a read
   * runs on a Raft thread).
   *
   * @param stateOrNull only txns in this state, or all when null
   * @param afterXidOrNull the previous page's {@link TxnPage#nextAfterXid} (exclusive), or null
   * @param limit at most this many txns, in [1, pageEntriesMax]
   * @param scanMax at most this many txns examined, at least 1
   */
  public TxnPage listPage(StateReader state, TxnState stateOrNull, String afterXidOrNull,
      int limit, int scanMax) {
    requirePage(limit);
    if (scanMax < 1) {
      throw new IllegalArgumentException("scanMax must be positive, was " + scanMax);
    }
    byte[] from = afterXidOrNull == null ? null : TableKeys.txnAfter(afterXidOrNull);
    List<TxnView> page = new ArrayList<>();
    String[] lastXid = {null};
    boolean[] more = {false};
    int[] scanned = {0};
    state.scan(TableKeys.TXN, from, null, (key, value) -> {
      if (page.size() == limit || scanned[0] == scanMax) {
        more[0] = true; // a txn after the last one examined exists: there is a next page
        return false;
      }
      scanned[0]++;
      String xid = new String(key, java.nio.charset.StandardCharsets.UTF_8);
      lastXid[0] = xid;
      TxnRecord txn;
      try {
        txn = RecordCodec.decodeTxn(xid, value);
      } catch (IllegalStateException e) {
        throw StoredTable.corrupt(TableKeys.TXN, xid, e);
      }
      if (stateOrNull == null || txn.state() == stateOrNull) {
        page.add(txn.toView());
      }
      return true;
    });
    return new TxnPage(page, more[0] ? lastXid[0] : null);
  }

  /**
   * One page of {@link #listPage}.
   *
   * @param nextAfterXid where the next page starts (the last xid examined, exclusive), or null
   *     when the scan reached the last txn
   */
  public record TxnPage(List<TxnView> txns, String nextAfterXid) {
    public TxnPage {
      txns = List.copyOf(txns);
    }
  }

  /**
   * The phase-2 calls whose delivery gave up (NEEDS_OPERATOR), in (participant, seq) order, after
   * the position (afterParticipant, afterSeq), exclusive. Only calls above their participant's
   * watermark can need an operator, so this reads the backlog, then pages each participant's
   * pending calls, examining at most scanMax calls in all.
   *
   * @param afterParticipantOrNull the previous page's next participant, or null for the first page
   * @param afterSeq the previous page's next seq (ignored for the first page)
   * @param limit at most this many calls, in [1, pageEntriesMax]
   * @param scanMax at most this many pending calls examined, at least 1
   */
  public CallPage needsOperator(StateReader state, String afterParticipantOrNull, long afterSeq,
      int limit, int scanMax) {
    requirePage(limit);
    if (scanMax < 1) {
      throw new IllegalArgumentException("scanMax must be positive, was " + scanMax);
    }
    List<Phase2Record> found = new ArrayList<>();
    int scanned = 0;
    for (Backlog backlog : backlog(state)) {
      String participant = backlog.participant();
      // Ids are printable ASCII, so String order is the keyspace's byte order.
      int order = afterParticipantOrNull == null
          ? 1
          : participant.compareTo(afterParticipantOrNull);
      if (order < 0) {
        continue;
      }
      long from = Math.max(backlog.watermark(), order == 0 ? afterSeq : 0);
      while (from < backlog.lastSeq()) {
        int chunk = Math.min(scanMax - scanned, limits.pageEntriesMax());
        List<Phase2Record> calls = pending(state, participant, from, chunk);
        if (calls.isEmpty()) {
          break;
        }
        for (Phase2Record call : calls) {
          scanned++;
          from = call.seq();
          if (call.state() == BranchState.NEEDS_OPERATOR) {
            found.add(call);
          }
          if (found.size() == limit || scanned == scanMax) {
            return new CallPage(found, participant, from);
          }
        }
      }
    }
    return new CallPage(found, null, 0);
  }

  /**
   * One page of {@link #needsOperator}.
   *
   * @param nextParticipant where the next page starts, with nextSeq (exclusive); null when every
   *     participant's backlog was examined
   */
  public record CallPage(List<Phase2Record> calls, String nextParticipant, long nextSeq) {
    public CallPage {
      calls = List.copyOf(calls);
    }
  }

  /** The highest seq the participant acknowledged; 0 when none. */
  public long watermark(StateReader state, String participant) {
    return new StoredTable(state).participant(participant).watermark();
  }

  /** The last seq assigned to the participant; 0 when none. */
  public long lastSeq(StateReader state, String participant) {
    return new StoredTable(state).participant(participant).lastSeq();
  }

  /**
   * The participant's unacknowledged phase-2 calls with seq above afterSeq, in seq order, with
   * their payloads: what the dispatcher sends, usually from the watermark on.
   *
   * @param limit at most this many calls, in [1, pageEntriesMax]
   */
  public List<Phase2Record> pending(
      StateReader state, String participant, long afterSeq, int limit) {
    requirePage(limit);
    StoredTable table = new StoredTable(state);
    long from = Math.max(afterSeq, 0) + 1;
    List<Phase2Record> calls = new ArrayList<>();
    for (Map.Entry<Long, Phase2Ref> call :
        table.phase2Range(participant, from, Long.MAX_VALUE, limit)) {
      Phase2Ref ref = call.getValue();
      TxnRecord txn = table.requireTxn(ref.xid(), "phase-2 call " + call.getKey() + " names it");
      int index = txn.indexOf(ref.branchId());
      if (index < 0) {
        throw new IllegalStateException("phase-2 call names a missing branch " + ref);
      }
      BranchRecord branch = txn.branches().get(index);
      calls.add(new Phase2Record(participant, call.getKey(), ref.xid(), ref.branchId(),
          ref.decision(), branch.state(), branch.branch().payload()));
    }
    return calls;
  }

  /**
   * Where the participant's phase-2 calls go, as it last announced; empty before any announcement
   * (the dispatcher then has nowhere to send and waits). One point read.
   */
  public Optional<Endpoint> endpoint(StateReader state, String participant) {
    return Optional.ofNullable(new StoredTable(state).endpoint(participant));
  }

  /**
   * Every participant with calls not yet acknowledged (lastSeq above watermark), in name order,
   * with both numbers: what the leader's dispatcher must serve.
   *
   * <p>Cost: one scan of the whole participant keyspace, that is, one small record per participant
   * that ever had a phase-2 call, acknowledged or not (participants are services, so tens to
   * hundreds, not millions). Calls themselves are not read; {@link #pending} pages them.
   */
  public List<Backlog> backlog(StateReader state) {
    return new StoredTable(state).backlog();
  }

  /** Cluster time as of the last applied entry (leader-stamped, monotonic); 0 before any. */
  public long clusterTimeMs(StateReader state) {
    return new StoredTable(state).clusterTimeMs();
  }

  /**
   * The earliest deadline of a TRYING txn, or Long.MAX_VALUE when none is TRYING: lets the leader
   * propose ExpireDue only when something can be due, instead of on every tick.
   */
  public long earliestDeadlineMs(StateReader state) {
    return earliestDeadlineMs(state, 0, Long.MAX_VALUE);
  }

  /**
   * The earliest deadline in [fromMs, throughMs] of a TRYING txn, or Long.MAX_VALUE when there is
   * none: what a sweeper asks when it knows no deadline below fromMs can exist (cluster time only
   * grows, and a new txn's deadline is at least its begin's cluster time plus the shortest
   * timeout) and only cares whether anything is due by throughMs.
   */
  public long earliestDeadlineMs(StateReader state, long fromMs, long throughMs) {
    List<Map.Entry<Long, String>> first = new StoredTable(state).due(fromMs, throughMs, 1);
    return first.isEmpty() ? Long.MAX_VALUE : first.get(0).getKey();
  }

  /** How many txns are TRYING (what activeTxnsMax limits). */
  public long activeTxns(StateReader state) {
    return new StoredTable(state).activeTxns();
  }

  private void requirePage(int limit) {
    if (limit < 1 || limit > limits.pageEntriesMax()) {
      throw new IllegalArgumentException(
          "limit must be in [1, " + limits.pageEntriesMax() + "], was " + limit);
    }
  }
}
