package dev.sequent.coordinator.raft;

import dev.sequent.coordinator.log.LogEntry;
import dev.sequent.coordinator.log.LogEntryCodec;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnChange;
import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.EntryVisitor;
import dev.sequent.storage.StagedWrites;
import dev.sequent.storage.StateStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts the pure {@link TransactionTable} to Ratis: decodes committed entries, applies them to the
 * state store in one atomic batch with their (term, index), keeps snapshots as store checkpoints.
 *
 * <p>What Ratis does not do for us, and this class does (DESIGN.md, "Ratis and RocksDB facts"):
 *
 * <ul>
 *   <li>Replay guard: Ratis replays from the latest snapshot, not from the index the store already
 *       holds, so entries at or below the store's applied index are skipped.
 *   <li>Leader time: the leader stamps its clock into each entry in {@link #startTransaction}, so
 *       every node applies with the same cluster time and the table never reads a clock.
 *   <li>No zombie: an apply that cannot complete (storage failure, undecodable entry, broken
 *       invariant) goes to the {@link FatalErrorHandler} and throws, so the node stops instead of
 *       serving with a closed division.
 * </ul>
 *
 * <p>Threads: apply, snapshot and reinitialize run on Ratis's one state-machine updater thread, in
 * log order. {@link #startTransaction} runs on RPC threads concurrently. Queries run concurrently
 * with apply; the store guarantees they see whole batches. {@link EntryObserver}s (metrics) run
 * on the updater thread inside apply, read-only, and cannot fail it.
 */
public final class TccStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(TccStateMachine.class);
  private static final Message EMPTY = Message.valueOf(ByteString.EMPTY);

  private final TransactionTable table;
  private final StoreOpener opener;
  private final Path liveDir;
  private final FatalErrorHandler fatal;
  private final LongSupplier clockMs;
  private final int snapshotsRetained;
  private final List<Runnable> leaderReadyListeners = new ArrayList<>();
  private final List<Runnable> notLeaderListeners = new ArrayList<>();
  private volatile List<Runnable> appliedListeners = List.of();
  private volatile List<EntryObserver> entryObservers = List.of();

  private final AtomicLong snapshotInstalls = new AtomicLong();
  private volatile StateStore store;
  private volatile SnapshotDirectory snapshots;
  private volatile SnapshotInfo latestSnapshot;

  /**
   * @param liveDir where the live store lives: outside Ratis's storage, since installing a snapshot
   *     replaces Ratis's state-machine directory wholesale
   */
  public TccStateMachine(TransactionTable table, StoreOpener opener, Path liveDir,
      FatalErrorHandler fatal, LongSupplier clockMs, int snapshotsRetained) {
    if (snapshotsRetained < 1) {
      throw new IllegalArgumentException("snapshotsRetained must be >= 1: " + snapshotsRetained);
    }
    this.table = table;
    this.opener = opener;
    this.liveDir = liveDir;
    this.fatal = fatal;
    this.clockMs = clockMs;
    this.snapshotsRetained = snapshotsRetained;
  }

  /** Called on the updater thread once this node leads and has applied its term's first entry. */
  public synchronized void onLeaderReady(Runnable listener) {
    leaderReadyListeners.add(listener);
  }

  /** Called when this node stops being leader. Must not block. */
  public synchronized void onNotLeader(Runnable listener) {
    notLeaderListeners.add(listener);
  }

  /**
   * Called on the apply thread after every applied entry (the dispatcher wakes up to look for new
   * phase-2 calls). Must be cheap and never block: it delays every later apply.
   */
  public synchronized void onApplied(Runnable listener) {
    List<Runnable> next = new ArrayList<>(appliedListeners);
    next.add(listener);
    appliedListeners = List.copyOf(next);
  }

  /**
   * What one applied entry did, as an {@link EntryObserver} sees it. Observers learn what changed
   * from {@code changes}, reported by the table as it made them, and read nothing.
   *
   * @param index the entry's Raft index
   * @param clusterTimeMs the cluster time the entry was applied at (what the table used)
   * @param results one per command, in order
   * @param changes the txn lifecycle steps the entry made, in order (what metrics count)
   */
  public record AppliedEntry(long index, long clusterTimeMs, List<Command> commands,
      List<CommandResult> results, List<TxnChange> changes) {}

  /**
   * Sees every entry this node applies (not the replays it skips), on the apply thread, after the
   * table applied it and before its writes are committed. It observes only: it must not block
   * (it delays every later apply), and whatever it throws is logged and dropped, never allowed to
   * fail the apply.
   */
  @FunctionalInterface
  public interface EntryObserver {
    void onEntry(AppliedEntry entry);
  }

  /** Adds an observer of applied entries (metrics): see {@link EntryObserver}. */
  public synchronized void onEntryApplied(EntryObserver observer) {
    List<EntryObserver> next = new ArrayList<>(entryObservers);
    next.add(observer);
    entryObservers = List.copyOf(next);
  }

  /** The live store, for reads (status queries, canonical dumps in tests). */
  public StateStore store() {
    StateStore current = store;
    if (current == null) {
      throw new IllegalStateException("state machine not initialized");
    }
    return current;
  }

  /** How many snapshots from the leader this node installed since it started. */
  public long snapshotInstalls() {
    return snapshotInstalls.get();
  }

  public TransactionTable table() {
    return table;
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshots = new SnapshotDirectory(raftStorage.getStorageDir().getStateMachineDir().toPath());
    // Ratis checks this lifecycle (it must be PAUSED before a snapshot install reloads us).
    getLifeCycle().transition(LifeCycle.State.STARTING);
    openStore();
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  /**
   * Opens the live store; restores it from the newest snapshot when that snapshot is ahead of it (a
   * snapshot was installed but the node stopped before the live store was replaced) or when there
   * is no live store at all.
   */
  private void openStore() throws IOException {
    Optional<SnapshotDirectory.Snapshot> latest = snapshots.latest();
    StateStore opened = Files.exists(liveDir) ? opener.open(liveDir) : null;
    if (latest.isPresent()
        && (opened == null || opened.appliedIndex().compareTo(latest.get().applied()) < 0)) {
      if (opened != null) {
        opened.close();
      }
      LOG.info("Restoring live state from snapshot {}", latest.get().dir());
      restoreLiveDir(latest.get().dir());
      opened = opener.open(liveDir);
    } else if (opened == null) {
      Files.createDirectories(liveDir.getParent());
      opened = opener.open(liveDir);
    }
    store = opened;
    latestSnapshot = latest.map(this::toSnapshotInfo).orElse(null);
    AppliedIndex applied = opened.appliedIndex();
    setLastAppliedTermIndex(TermIndex.valueOf(applied.term(), applied.index()));
    LOG.info("State machine open at {} (snapshot {})", applied, latestSnapshot);
  }

  /** Replaces the live directory by a copy of a snapshot, never leaving it half-written. */
  private void restoreLiveDir(Path snapshotDir) throws IOException {
    Path incoming = liveDir.resolveSibling(liveDir.getFileName() + ".incoming");
    Path outgoing = liveDir.resolveSibling(liveDir.getFileName() + ".outgoing");
    SnapshotDirectory.deleteRecursively(incoming);
    SnapshotDirectory.deleteRecursively(outgoing);
    SnapshotDirectory.copyStore(snapshotDir, incoming);
    if (Files.exists(liveDir)) {
      Files.move(liveDir, outgoing);
    }
    Files.move(incoming, liveDir);
    SnapshotDirectory.deleteRecursively(outgoing);
  }

  @Override
  public void reinitialize() throws IOException {
    // Ratis has just replaced the state-machine directory with a snapshot from the leader.
    snapshotInstalls.incrementAndGet();
    closeStore();
    getLifeCycle().transition(LifeCycle.State.STARTING);
    openStore();
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  @Override
  public void pause() {
    // Called before a snapshot from the leader replaces the state-machine directory. Applies are
    // already stopped by Ratis; the store stays open until reinitialize swaps it.
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public void close() throws IOException {
    getLifeCycle().checkStateAndClose(this::closeStore);
  }

  private void closeStore() {
    StateStore current = store;
    store = null;
    if (current != null) {
      current.close();
    }
  }

  // ------------------------------------------------------------------ write path

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    byte[] entry = request.getMessage().getContent().toByteArray();
    // Decode once here so a malformed entry is refused to its sender and never enters the log,
    // where it would stop every node that applies it.
    LogEntryCodec.decode(entry);
    byte[] stamped = LogEntryCodec.withLeaderTime(entry, clockMs.getAsLong());
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(ByteString.copyFrom(stamped))
        .build();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    TermIndex termIndex = TermIndex.valueOf(entry);
    StateStore current = store();
    if (termIndex.getIndex() <= current.appliedIndex().index()) {
      // Replay of an entry the store already holds (Ratis replays from the snapshot, not from the
      // store). Its clients were answered the first time; a retry gets its answer from the table.
      // The applied index already stands at the store's (set at open): moving it back to this
      // entry would trip Ratis's monotonicity check and close the division.
      return CompletableFuture.completedFuture(EMPTY);
    }
    try {
      LogEntry decoded =
          LogEntryCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
      StagedWrites staged = current.stage();
      List<TxnChange> changes = new ArrayList<>();
      List<CommandResult> results =
          table.applyEntry(decoded.leaderTimeMs(), decoded.commands(), staged, changes::add);
      observe(termIndex.getIndex(), decoded.commands(), results, changes, staged);
      current.commit(staged, new AppliedIndex(termIndex.getTerm(), termIndex.getIndex()));
      updateLastAppliedTermIndex(termIndex);
      appliedListeners.forEach(TccStateMachine::runQuietly);
      return CompletableFuture.completedFuture(
          Message.valueOf(ByteString.copyFrom(LogEntryCodec.encodeResults(results))));
    } catch (RuntimeException e) {
      fatal.onFatal("apply of entry " + termIndex + " failed", e);
      throw e;
    }
  }

  /**
   * Shows the entry to the observers. Metrics are observations: an observer that fails loses its
   * view of this entry, never the entry itself.
   */
  private void observe(long index, List<Command> commands, List<CommandResult> results,
      List<TxnChange> changes, StagedWrites after) {
    List<EntryObserver> observers = entryObservers;
    if (observers.isEmpty()) {
      return;
    }
    AppliedEntry entry;
    try {
      entry = new AppliedEntry(index, table.clusterTimeMs(after), commands, results, changes);
    } catch (RuntimeException e) {
      LOG.warn("Cannot show entry {} to its observers", index, e);
      return;
    }
    for (EntryObserver observer : observers) {
      try {
        observer.onEntry(entry);
      } catch (RuntimeException e) {
        LOG.warn("Observer {} failed on entry {}", observer, index, e);
      }
    }
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // Conf and metadata entries: advance the applied index (linearizable reads wait on it), but
    // never below what the store already holds (same replay guard as applyTransaction).
    if (TermIndex.valueOf(term, index).compareTo(getLastAppliedTermIndex()) > 0) {
      super.notifyTermIndexUpdated(term, index);
    }
  }

  // ------------------------------------------------------------------ read path

  @Override
  public CompletableFuture<Message> query(Message request) {
    // Reads are point lookups in the store (microseconds), so they run inline on whichever thread
    // Ratis calls from rather than hopping to another executor.
    try {
      byte[] reply = Queries.answer(table, store(), request.getContent().toByteArray());
      return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Message> queryStale(Message request, long minIndex) {
    // BaseStateMachine parks stale reads on futures that are not always completed (they can hang):
    // answer only when the state is already recent enough.
    if (getLastAppliedTermIndex().getIndex() < minIndex) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "applied index " + getLastAppliedTermIndex() + " is below " + minIndex));
    }
    return query(request);
  }

  // ------------------------------------------------------------------ snapshots

  @Override
  public long takeSnapshot() throws IOException {
    StateStore current = store();
    TermIndex last = getLastAppliedTermIndex();
    AppliedIndex applied = new AppliedIndex(last.getTerm(), last.getIndex());
    if (applied.compareTo(current.appliedIndex()) > 0) {
      // Trailing conf/metadata entries advanced the applied index without a store write: record it
      // so the snapshot covers them and Ratis may purge the log up to it.
      current.commit(current.stage(), applied);
    }
    if (current.appliedIndex().index() < 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    SnapshotDirectory.Snapshot taken = snapshots.take(current);
    latestSnapshot = toSnapshotInfo(taken);
    snapshots.cleanup(snapshotsRetained);
    return taken.applied().index();
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return latestSnapshot;
  }

  private SnapshotInfo toSnapshotInfo(SnapshotDirectory.Snapshot snapshot) {
    try {
      List<FileInfo> files = new ArrayList<>();
      for (Path file : SnapshotDirectory.files(snapshot.dir())) {
        // A null digest makes Ratis compute the MD5 while streaming the file to a follower.
        files.add(new FileInfo(file.toAbsolutePath(), null));
      }
      return new FileListSnapshotInfo(
          files, snapshot.applied().term(), snapshot.applied().index());
    } catch (IOException e) {
      throw new IllegalStateException("cannot list snapshot " + snapshot.dir(), e);
    }
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return new StateMachineStorage() {
      @Override
      public void init(RaftStorage raftStorage) {
        // The directory is known from initialize(); nothing else to prepare.
      }

      @Override
      public SnapshotInfo getLatestSnapshot() {
        return latestSnapshot;
      }

      @Override
      public void format() {
        // A new node starts from an empty directory; nothing to format.
      }

      @Override
      public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
        if (snapshots != null) {
          snapshots.cleanup(snapshotsRetained);
        }
      }

      @Override
      public File getSnapshotDir() {
        return snapshots == null ? null : snapshots.path().toFile();
      }
    };
  }

  // ------------------------------------------------------------------ leadership events

  @Override
  public void notifyLeaderReady() {
    List<Runnable> listeners;
    synchronized (this) {
      listeners = List.copyOf(leaderReadyListeners);
    }
    listeners.forEach(TccStateMachine::runQuietly);
  }

  @Override
  public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
    List<Runnable> listeners;
    synchronized (this) {
      listeners = List.copyOf(notLeaderListeners);
    }
    listeners.forEach(TccStateMachine::runQuietly);
  }

  private static void runQuietly(Runnable listener) {
    try {
      listener.run();
    } catch (RuntimeException e) {
      LOG.warn("Leadership listener failed", e);
    }
  }
}
