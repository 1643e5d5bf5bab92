package dev.sequent.coordinator.table;

import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A table over a real in-memory store, applying entries the way the Raft adapter does: stage,
 * apply, commit with the next applied index. Staged writes of an entry that throws are dropped,
 * as the adapter drops them before stopping the node.
 */
final class TableHarness implements AutoCloseable {

  final TransactionTable table;
  final InMemoryStateStore store = InMemoryStateStore.create(TransactionTable.keyspaces());
  private long index;

  TableHarness(TableLimits limits) {
    this.table = new TransactionTable(limits);
  }

  TableHarness() {
    this(TableLimits.DEFAULTS);
  }

  List<CommandResult> apply(long leaderTimeMs, List<Command> commands) {
    return apply(leaderTimeMs, commands, change -> { });
  }

  /** Applies one entry, telling {@code changes} the txn lifecycle steps it makes. */
  List<CommandResult> apply(long leaderTimeMs, List<Command> commands,
      java.util.function.Consumer<TxnChange> changes) {
    StagedWrites staged = store.stage();
    List<CommandResult> results = table.applyEntry(leaderTimeMs, commands, staged, changes);
    store.commit(staged, new AppliedIndex(1, ++index));
    return results;
  }

  List<CommandResult> apply(long leaderTimeMs, Command... commands) {
    return apply(leaderTimeMs, Arrays.asList(commands));
  }

  /** Commits writes made behind the table's back, at the next index: how corruption arrives. */
  void raw(java.util.function.Consumer<StagedWrites> writes) {
    StagedWrites staged = store.stage();
    writes.accept(staged);
    store.commit(staged, new AppliedIndex(1, ++index));
  }

  CommandResult one(long leaderTimeMs, Command command) {
    return apply(leaderTimeMs, command).get(0);
  }

  TxnView find(String xid) {
    return table.find(store, xid);
  }

  /** Every key and value of every keyspace, in order, as hex: two equal dumps mean equal stores. */
  String dump() {
    StringBuilder out = new StringBuilder();
    HexFormat hex = HexFormat.of();
    for (String keyspace : TransactionTable.keyspaces()) {
      store.scan(keyspace, null, null, (key, value) -> {
        out.append(keyspace).append(' ').append(hex.formatHex(key)).append(" = ")
            .append(hex.formatHex(value)).append('\n');
        return true;
      });
    }
    return out.toString();
  }

  @Override
  public void close() {
    store.close();
  }

  static Branch branch(String id, String participant, int... payload) {
    byte[] bytes = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      bytes[i] = (byte) payload[i];
    }
    return new Branch(id, participant, bytes);
  }
}
