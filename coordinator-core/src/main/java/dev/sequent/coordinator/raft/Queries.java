package dev.sequent.coordinator.raft;

import dev.sequent.coordinator.log.LogEntryCodec;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import dev.sequent.storage.StateReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Read-only requests to the state machine, carried through Ratis's read path (read index, so they
 * are linearizable). Format: {@code [u8 format = 1][u8 kind][body]}; the reply uses the log reply
 * format of {@link LogEntryCodec#encodeResults}, so readers and writers decode answers one way.
 */
public final class Queries {
  private static final byte FORMAT = 1;
  private static final byte STATUS = 1;

  private Queries() {}

  /** A query for the state of one transaction. */
  public static byte[] status(String xid) {
    byte[] id = xid.getBytes(StandardCharsets.UTF_8);
    byte[] query = new byte[2 + id.length];
    query[0] = FORMAT;
    query[1] = STATUS;
    System.arraycopy(id, 0, query, 2, id.length);
    return query;
  }

  static byte[] answer(TransactionTable table, StateReader state, byte[] query) {
    if (query.length < 2 || query[0] != FORMAT) {
      throw new IllegalArgumentException("unknown query format");
    }
    if (query[1] != STATUS) {
      throw new IllegalArgumentException("unknown query kind " + query[1]);
    }
    String xid = new String(Arrays.copyOfRange(query, 2, query.length), StandardCharsets.UTF_8);
    TxnView txn = table.find(state, xid);
    CommandResult result = txn == null
        ? new CommandResult(Outcome.TXN_NOT_FOUND, null, "no transaction " + xid)
        : new CommandResult(Outcome.OK, txn, "");
    return LogEntryCodec.encodeResults(List.of(result));
  }
}
