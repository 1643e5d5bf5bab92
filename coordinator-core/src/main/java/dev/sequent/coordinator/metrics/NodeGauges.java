package dev.sequent.coordinator.metrics;

import dev.sequent.coordinator.raft.RaftNode;
import dev.sequent.coordinator.raft.TccStateMachine;
import dev.sequent.coordinator.table.Backlog;
import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.storage.RocksStateStore;
import dev.sequent.storage.StateReader;
import dev.sequent.storage.StateStore;
import dev.sequent.storage.StorageException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.ratis.statemachine.SnapshotInfo;

/**
 * Gauges read when scraped: this node's Raft role and progress, the size of its RocksDB store, and
 * what its copy of the table holds (TRYING txns, unacknowledged phase-2 calls, calls held for an
 * operator). Table gauges show replicated state, so every node that is caught up reports the same.
 *
 * <p>The store is always read through the state machine, because installing a snapshot swaps it;
 * a gauge read while no store is open (a swap, a shutdown) reports NaN rather than failing the
 * scrape. Store and table values are computed once per second at most, however many gauges and
 * scrapers ask.
 */
final class NodeGauges implements AutoCloseable {
  static final String LEADER = "sequent.raft.leader";
  static final String TERM = "sequent.raft.term";
  static final String APPLIED_INDEX = "sequent.raft.applied.index";
  static final String LOG_START_INDEX = "sequent.raft.log.start.index";
  static final String SNAPSHOT_INDEX = "sequent.raft.snapshot.index";
  static final String SNAPSHOT_INSTALLS = "sequent.raft.snapshot.installs";
  static final String STORE_LIVE_SST = "sequent.store.live.sst";
  static final String STORE_LIVE_DATA = "sequent.store.live.data";
  static final String STORE_MEMTABLES = "sequent.store.memtables";
  static final String STORE_BLOCK_CACHE = "sequent.store.block.cache";
  static final String STORE_KEYS = "sequent.store.keys";
  static final String TRYING = "sequent.txns.trying";
  static final String PHASE2_BACKLOG = "sequent.phase2.backlog";
  static final String NEEDS_OPERATOR = "sequent.branches.needs.operator";

  /**
   * Calls looked at per participant for the needs-operator count. The dispatcher gives up only on
   * the head of a participant's stream, so such calls sit right above the watermark, behind at
   * most the calls an operator already resolved.
   */
  static final int NEEDS_OPERATOR_SCAN_MAX = 64;
  private static final long CACHE_NS = 1_000_000_000L;

  private final MeterRegistry registry;
  private final Tags tags;
  private final RaftNode raft;
  private final TccStateMachine stateMachine;
  private final TransactionTable table;
  private final List<Meter> meters = new ArrayList<>();
  private final Memo<RocksStateStore.Stats> rocks;
  private final Memo<TableFigures> figures;

  /** What the table holds, from one pass over the participants. */
  record TableFigures(long trying, long backlogCalls, long needsOperator) {}

  NodeGauges(MeterRegistry registry, String nodeId, RaftNode raft, boolean rocksStore,
      LongSupplier nanoClock) {
    this.registry = registry;
    this.tags = Tags.of("node", nodeId);
    this.raft = raft;
    this.stateMachine = raft.stateMachine();
    this.table = stateMachine.table();
    this.rocks = new Memo<>(this::readRocks, CACHE_NS, nanoClock);
    this.figures = new Memo<>(this::readTable, CACHE_NS, nanoClock);
    registerRaft();
    if (rocksStore) {
      registerStore();
    }
    gauge(TRYING, "Txns in TRYING (begun, not decided)", null,
        g -> figure(f -> f.trying()));
    gauge(PHASE2_BACKLOG, "Phase-2 calls assigned and not yet acknowledged, all participants",
        null, g -> figure(f -> f.backlogCalls()));
    gauge(NEEDS_OPERATOR, "Phase-2 calls the dispatcher gave up on, waiting for an operator",
        null, g -> figure(f -> f.needsOperator()));
  }

  private void registerRaft() {
    gauge(LEADER, "1 while this node is the Raft leader, else 0", null,
        g -> raft.isLeader() ? 1 : 0);
    gauge(TERM, "Current Raft term as this node knows it", null, g -> raft.currentTerm());
    gauge(APPLIED_INDEX, "Index of the last log entry this node applied", null,
        g -> raft.lastAppliedIndex());
    gauge(LOG_START_INDEX, "First index still in this node's Raft log (earlier ones purged)",
        null, g -> raft.logStartIndex());
    gauge(SNAPSHOT_INDEX, "Index the latest snapshot covers, -1 before the first", null, g -> {
      SnapshotInfo latest = stateMachine.getLatestSnapshot();
      return latest == null ? -1 : latest.getIndex();
    });
    meters.add(FunctionCounter.builder(SNAPSHOT_INSTALLS, stateMachine,
            TccStateMachine::snapshotInstalls)
        .description("Snapshots installed from the leader since this node started")
        .tags(tags).register(registry));
  }

  private void registerStore() {
    gauge(STORE_LIVE_SST, "Size of the live RocksDB table files", BaseUnits.BYTES,
        g -> rock(s -> s.liveSstFilesBytes()));
    gauge(STORE_LIVE_DATA, "RocksDB's estimate of the live data size", BaseUnits.BYTES,
        g -> rock(s -> s.liveDataBytesEstimate()));
    gauge(STORE_MEMTABLES, "Memory of RocksDB's memtables, flushed or not", BaseUnits.BYTES,
        g -> rock(s -> s.memtableBytes()));
    gauge(STORE_BLOCK_CACHE, "Memory used in RocksDB's block cache (memtables included)",
        BaseUnits.BYTES, g -> rock(s -> s.blockCacheUsageBytes()));
    gauge(STORE_KEYS, "RocksDB's estimate of the number of keys", null,
        g -> rock(s -> s.keysEstimate()));
  }

  private void gauge(String name, String description, String baseUnit,
      ToDoubleFunction<NodeGauges> value) {
    meters.add(Gauge.builder(name, this, value).description(description).baseUnit(baseUnit)
        .tags(tags).strongReference(true).register(registry));
  }

  private double rock(ToDoubleFunction<RocksStateStore.Stats> value) {
    RocksStateStore.Stats stats = rocks.get();
    return stats == null ? Double.NaN : value.applyAsDouble(stats);
  }

  private double figure(ToDoubleFunction<TableFigures> value) {
    TableFigures current = figures.get();
    return current == null ? Double.NaN : value.applyAsDouble(current);
  }

  /** Null when the store is not a RocksDB store or is not open right now. */
  private RocksStateStore.Stats readRocks() {
    try {
      StateStore store = stateMachine.store();
      return store instanceof RocksStateStore rocksStore ? rocksStore.stats() : null;
    } catch (IllegalStateException | StorageException e) {
      return null;
    }
  }

  /** Null when the store is not open right now. */
  private TableFigures readTable() {
    try {
      return figures(table, stateMachine.store());
    } catch (IllegalStateException | StorageException e) {
      return null;
    }
  }

  /** Counts TRYING txns, unacknowledged calls, and calls held for an operator. */
  static TableFigures figures(TransactionTable table, StateReader store) {
    long backlogCalls = 0;
    long needsOperator = 0;
    for (Backlog backlog : table.backlog(store)) {
      backlogCalls += backlog.calls();
      int look = (int) Math.min(Math.min(NEEDS_OPERATOR_SCAN_MAX, backlog.calls()),
          table.limits().pageEntriesMax());
      for (Phase2Record call :
          table.pending(store, backlog.participant(), backlog.watermark(), look)) {
        if (call.state() == BranchState.PENDING) {
          break;
        }
        needsOperator += call.state() == BranchState.NEEDS_OPERATOR ? 1 : 0;
      }
    }
    return new TableFigures(table.activeTxns(store), backlogCalls, needsOperator);
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }

  /** A value computed at most once per period; thread-safe (scrapes may overlap). */
  static final class Memo<T> {
    private final Supplier<T> source;
    private final long periodNs;
    private final LongSupplier nanoClock;
    private T value;
    private long readAtNs;
    private boolean read;

    Memo(Supplier<T> source, long periodNs, LongSupplier nanoClock) {
      this.source = source;
      this.periodNs = periodNs;
      this.nanoClock = nanoClock;
    }

    synchronized T get() {
      long now = nanoClock.getAsLong();
      if (!read || now - readAtNs >= periodNs) {
        value = source.get();
        readAtNs = now;
        read = true;
      }
      return value;
    }
  }
}
