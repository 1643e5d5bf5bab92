package dev.sequent.coordinator.metrics;

import dev.sequent.coordinator.raft.TccStateMachine;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnChange;
import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A table over an in-memory store with {@link TxnMetrics} watching, applying entries the way the
 * Raft adapter does: stage, apply (collecting the txn changes), show the entry to the observer,
 * then commit.
 */
final class EntryHarness implements AutoCloseable {
  final TransactionTable table;
  final InMemoryStateStore store = InMemoryStateStore.create(TransactionTable.keyspaces());
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final TxnMetrics metrics;
  private long index;

  EntryHarness(TableLimits limits) {
    table = new TransactionTable(limits);
    metrics = new TxnMetrics(registry, "n1");
  }

  EntryHarness() {
    this(TableLimits.DEFAULTS);
  }

  List<CommandResult> apply(long leaderTimeMs, List<Command> commands) {
    StagedWrites staged = store.stage();
    List<TxnChange> changes = new ArrayList<>();
    List<CommandResult> results = table.applyEntry(leaderTimeMs, commands, staged, changes::add);
    index++;
    metrics.onEntry(new TccStateMachine.AppliedEntry(index, table.clusterTimeMs(staged),
        commands, results, changes));
    store.commit(staged, new AppliedIndex(1, index));
    return results;
  }

  List<CommandResult> apply(long leaderTimeMs, Command... commands) {
    return apply(leaderTimeMs, Arrays.asList(commands));
  }

  long count(String name) {
    Counter counter = registry.find(name).tag("node", "n1").counter();
    return counter == null ? -1 : (long) counter.count();
  }

  long timerCount(String name, String decision) {
    return timer(name, decision).count();
  }

  long timerTotalMs(String name, String decision) {
    return (long) timer(name, decision).totalTime(TimeUnit.MILLISECONDS);
  }

  private Timer timer(String name, String decision) {
    return registry.get(name).tag("node", "n1").tag("decision", decision).timer();
  }

  long commands(String kind, String outcome) {
    Counter counter = registry.find(TxnMetrics.COMMANDS).tag("node", "n1").tag("kind", kind)
        .tag("outcome", outcome).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  @Override
  public void close() {
    store.close();
  }
}
