package dev.sequent.bench.micro;

import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.StagedWrites;
import dev.sequent.storage.StateStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one TCC command costs the state machine: {@link TransactionTable#applyEntry} of a
 * steady-state entry ({@link TccWorkload}: 64 begins of two-branch txns, 64 decides, one ack
 * command for 128 phase-2 calls), over the in-memory store and over RocksDB. The score is per
 * command (the entry's time divided by its {@value TccWorkload#COMMANDS_PER_ENTRY} commands).
 *
 * <ul>
 *   <li>{@code applyEntry}: staging and the table's rules only (reads go through to the store;
 *       the entry's commit happens outside the measurement, in the per-invocation tear-down).
 *   <li>{@code applyEntryAndCommit}: what the Raft adapter does per entry: stage, apply, commit
 *       with the next applied index.
 * </ul>
 *
 * <p>Why it matters: apply runs on the single Ratis state-machine thread of every node, so its
 * cost per command caps the cluster's throughput however well the proposer batches (DESIGN.md:
 * throughput comes only from many commands per entry). A regression here means fewer txns per
 * second at high concurrency on every node, followers included, and followers that fall behind.
 *
 * <p>Each iteration starts from an empty store primed with two entries, so the store grows only
 * within an iteration (a few hundred thousand finished txns: the table never deletes them) and
 * iterations compare. Per-invocation set-up builds the next entry and checks that every result of
 * the last one was OK; an entry takes hundreds of microseconds, far above the timer overhead such
 * set-up adds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TableApplyBenchmark {

  @Param({BenchStores.MEMORY, BenchStores.ROCKS})
  public String store;

  private final TransactionTable table = new TransactionTable(TableLimits.DEFAULTS);
  private BenchStores stores;
  private TccWorkload workload;
  private long appliedIndex;
  private List<Command> commands;
  private long leaderTimeMs;
  private StagedWrites uncommitted;
  private List<CommandResult> lastResults;

  @Setup(Level.Iteration)
  public void openStore() {
    stores = BenchStores.open(store, TransactionTable.keyspaces());
    workload = new TccWorkload();
    appliedIndex = 0;
    for (int i = 0; i < TccWorkload.PRIMING_ENTRIES; i++) {
      List<Command> priming = workload.nextEntry();
      StagedWrites staged = stores.store.stage();
      List<CommandResult> results = table.applyEntry(workload.leaderTimeMs(), priming, staged);
      TccWorkload.requireAllOk(results, priming.size());
      stores.store.commit(staged, new AppliedIndex(1, ++appliedIndex));
    }
  }

  @TearDown(Level.Iteration)
  public void closeStore() {
    stores.close();
    stores = null;
  }

  @Setup(Level.Invocation)
  public void nextEntry() {
    if (lastResults != null) {
      TccWorkload.requireAllOk(lastResults, TccWorkload.COMMANDS_PER_ENTRY);
      lastResults = null;
    }
    commands = workload.nextEntry();
    leaderTimeMs = workload.leaderTimeMs();
  }

  /** Commits what {@link #applyEntry} staged, outside the measurement: the next entry sees it. */
  @TearDown(Level.Invocation)
  public void commitStaged() {
    if (uncommitted != null) {
      stores.store.commit(uncommitted, new AppliedIndex(1, ++appliedIndex));
      uncommitted = null;
    }
  }

  @Benchmark
  @OperationsPerInvocation(TccWorkload.COMMANDS_PER_ENTRY)
  public List<CommandResult> applyEntry() {
    StagedWrites staged = stores.store.stage();
    lastResults = table.applyEntry(leaderTimeMs, commands, staged);
    uncommitted = staged;
    return lastResults;
  }

  @Benchmark
  @OperationsPerInvocation(TccWorkload.COMMANDS_PER_ENTRY)
  public List<CommandResult> applyEntryAndCommit() {
    StateStore state = stores.store;
    StagedWrites staged = state.stage();
    lastResults = table.applyEntry(leaderTimeMs, commands, staged);
    state.commit(staged, new AppliedIndex(1, ++appliedIndex));
    return lastResults;
  }
}
