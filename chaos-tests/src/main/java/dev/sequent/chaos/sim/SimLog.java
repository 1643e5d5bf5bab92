package dev.sequent.chaos.sim;

import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The replicated log's stand-in: one leader at a time (or none, during an election), a term, and
 * entries committed in proposal order a few ms after they are proposed, then applied to the real
 * {@link TransactionTable} over one {@link InMemoryStateStore}. The replicas are not simulated one
 * by one: apply is deterministic (the table's own tests and the three-node tests cover agreement),
 * so one applied store stands for all of them.
 *
 * <p>What Raft does at a leader change, and the simulation keeps: an entry the old leader
 * proposed may still commit (the new leader carries it) or be lost, and either way its proposer
 * hears a failure, so it cannot tell which; a proposal to a deposed leader fails. Each node's
 * clock has its own skew, so a new leader's clock may be behind: the table keeps cluster time
 * monotonic.
 */
final class SimLog {
  static final int NODES = 3;
  /** Commit takes 1 to this many ms after a proposal. */
  static final long COMMIT_DELAY_MAX_MS = 6;

  private final Scheduler scheduler;
  private final SplittableRandom random;
  private final TransactionTable table = new TransactionTable(TableLimits.DEFAULTS);
  private final InMemoryStateStore store =
      InMemoryStateStore.create(TransactionTable.keyspaces());
  private final long[] clockSkewMs = new long[NODES + 1];
  private final List<BiConsumer<Command, CommandResult>> listeners = new ArrayList<>();
  private final List<Pending> pending = new ArrayList<>();
  private long term = 1;
  private int leader = 1;
  private long index;
  private long lastCommitMs;
  private long entries;

  /** A proposal not yet committed; lost when an election drops it. */
  private static final class Pending {
    final long term;
    final Command command;
    final CompletableFuture<CommandResult> reply = new CompletableFuture<>();
    boolean lost;
    boolean orphaned;

    Pending(long term, Command command) {
      this.term = term;
      this.command = command;
    }
  }

  SimLog(Scheduler scheduler, SplittableRandom random) {
    this.scheduler = scheduler;
    this.random = random;
    for (int node = 1; node <= NODES; node++) {
      clockSkewMs[node] = random.nextLong(401) - 200;
    }
  }

  TransactionTable table() {
    return table;
  }

  InMemoryStateStore store() {
    return store;
  }

  long term() {
    return term;
  }

  /** The leader's node, or 0 during an election. */
  int leader() {
    return leader;
  }

  long entries() {
    return entries;
  }

  /** Node's local clock: virtual time plus its fixed skew, never below zero. */
  long clockMs(int node) {
    return Math.max(0, scheduler.nowMs() + clockSkewMs[node]);
  }

  /** Runs after every applied command, in apply order. */
  void onApplied(BiConsumer<Command, CommandResult> listener) {
    listeners.add(listener);
  }

  /** Applies a command at once, outside any leader (the cluster's bootstrap). */
  CommandResult bootstrap(Command command) {
    return apply(command, clockMs(1));
  }

  /**
   * Proposes command as the leader of proposerTerm. Completes after the commit with the result,
   * or exceptionally (never synchronously, as a real proposer answers later) when the proposer
   * is not the leader or lost leadership before its entry's outcome was known.
   */
  CompletableFuture<CommandResult> propose(long proposerTerm, Command command) {
    Pending entry = new Pending(proposerTerm, command);
    if (leader == 0 || proposerTerm != term) {
      scheduler.after(1 + random.nextLong(3), "not leader: " + command.kind(),
          () -> entry.reply.completeExceptionally(new IllegalStateException("not the leader")));
      return entry.reply;
    }
    pending.add(entry);
    long commitMs = Math.max(lastCommitMs, scheduler.nowMs() + 1 + random.nextLong(
        COMMIT_DELAY_MAX_MS));
    lastCommitMs = commitMs;
    scheduler.after(commitMs - scheduler.nowMs(), "commit " + command.kind(),
        () -> commit(entry));
    return entry.reply;
  }

  private void commit(Pending entry) {
    pending.remove(entry);
    if (entry.lost) {
      entry.reply.completeExceptionally(new IllegalStateException("entry lost at election"));
      return;
    }
    // A carried-over entry applies at the new leader's time: it is the new leader that commits it.
    CommandResult result = apply(entry.command, clockMs(Math.max(leader, 1)));
    if (entry.orphaned) {
      entry.reply.completeExceptionally(new IllegalStateException("leader changed; outcome unknown"));
    } else {
      entry.reply.complete(result);
    }
  }

  private CommandResult apply(Command command, long leaderTimeMs) {
    StagedWrites writes = store.stage();
    CommandResult result = table.applyEntry(leaderTimeMs, List.of(command), writes).get(0);
    store.commit(writes, new AppliedIndex(term, ++index));
    entries++;
    for (BiConsumer<Command, CommandResult> listener : listeners) {
      listener.accept(command, result);
    }
    return result;
  }

  /**
   * The leader is deposed: no leader until {@link #elected}. Each uncommitted entry is either lost
   * or carried over by the next leader; its proposer hears a failure either way.
   */
  void depose() {
    leader = 0;
    for (Pending entry : pending) {
      entry.orphaned = true;
      entry.lost = random.nextBoolean();
    }
  }

  /** A new leader, node, in the next term. */
  void elected(int node) {
    term++;
    leader = node;
  }
}
