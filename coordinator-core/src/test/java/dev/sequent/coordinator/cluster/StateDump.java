package dev.sequent.coordinator.cluster;

import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.storage.StateReader;
import java.util.HexFormat;
import java.util.TreeSet;

/** A canonical text dump of every keyspace of a node's state, to compare nodes byte for byte. */
final class StateDump {
  private StateDump() {}

  static String of(StateReader state) {
    StringBuilder out = new StringBuilder();
    HexFormat hex = HexFormat.of();
    for (String keyspace : new TreeSet<>(TransactionTable.keyspaces())) {
      out.append("# ").append(keyspace).append('\n');
      state.scan(keyspace, null, null, (key, value) -> {
        out.append(hex.formatHex(key)).append(" = ").append(hex.formatHex(value)).append('\n');
        return true;
      });
    }
    return out.toString();
  }
}
