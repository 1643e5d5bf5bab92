package dev.sequent.bench.micro;

import dev.sequent.coordinator.log.LogEntry;
import dev.sequent.coordinator.log.LogEntryCodec;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the Raft log format costs per command: {@link LogEntryCodec#encode} and {@link
 * LogEntryCodec#decode} of a steady-state entry ({@link TccWorkload}: 64 begins, 64 decides, one
 * ack command), and {@link LogEntryCodec#encodeResults} / {@link LogEntryCodec#decodeResults} of
 * the reply its apply produces (one result per command, most with a txn view). Scores are per
 * command.
 *
 * <p>Why it matters: every entry is encoded once by the proposer, decoded twice on the leader
 * (in {@code startTransaction}, to refuse a malformed entry before it enters the log, and again in
 * {@code applyTransaction}) and once on each follower; its reply is encoded on the leader's
 * state-machine thread and decoded by the proposer. The decodes run on Ratis threads that also
 * carry apply, so a regression here eats directly into the apply budget that
 * {@link TableApplyBenchmark} measures; compare the two to see which dominates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogEntryCodecBenchmark {

  private LogEntry entry;
  private byte[] encodedEntry;
  private List<CommandResult> results;
  private byte[] encodedResults;

  /** A steady-state entry and the results of really applying it (primed as in a cluster). */
  @Setup
  public void buildEntry() {
    TransactionTable table = new TransactionTable(TableLimits.DEFAULTS);
    TccWorkload workload = new TccWorkload();
    try (InMemoryStateStore store = InMemoryStateStore.create(TransactionTable.keyspaces())) {
      for (int i = 0; i <= TccWorkload.PRIMING_ENTRIES; i++) {
        List<Command> commands = workload.nextEntry();
        StagedWrites staged = store.stage();
        results = table.applyEntry(workload.leaderTimeMs(), commands, staged);
        TccWorkload.requireAllOk(results, commands.size());
        store.commit(staged, new AppliedIndex(1, i + 1));
        entry = LogEntry.of(workload.leaderTimeMs(), commands);
      }
    }
    if (entry.commands().size() != TccWorkload.COMMANDS_PER_ENTRY) {
      throw new IllegalStateException("not a steady-state entry: " + entry.commands().size());
    }
    encodedEntry = LogEntryCodec.encode(entry);
    encodedResults = LogEntryCodec.encodeResults(results);
    if (!LogEntryCodec.decode(encodedEntry).equals(entry)) {
      throw new IllegalStateException("entry does not round-trip");
    }
  }

  @Benchmark
  @OperationsPerInvocation(TccWorkload.COMMANDS_PER_ENTRY)
  public byte[] encodeEntry() {
    return LogEntryCodec.encode(entry);
  }

  @Benchmark
  @OperationsPerInvocation(TccWorkload.COMMANDS_PER_ENTRY)
  public LogEntry decodeEntry() {
    return LogEntryCodec.decode(encodedEntry);
  }

  @Benchmark
  @OperationsPerInvocation(TccWorkload.COMMANDS_PER_ENTRY)
  public byte[] encodeResults() {
    return LogEntryCodec.encodeResults(results);
  }

  @Benchmark
  @OperationsPerInvocation(TccWorkload.COMMANDS_PER_ENTRY)
  public List<CommandResult> decodeResults() {
    return LogEntryCodec.decodeResults(encodedResults);
  }
}
