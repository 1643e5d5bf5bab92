package dev.sequent.coordinator.table;

import dev.sequent.storage.StagedWrites;

/**
 * Typed writes of the table's keyspaces into the staged writes of one entry, read back through the
 * same staging (read-your-writes), so each command of an entry sees the ones before it.
 */
final class StagedTable extends StoredTable {

  private final StagedWrites writes;

  StagedTable(StagedWrites writes) {
    super(writes);
    this.writes = writes;
  }

  void putTxn(TxnRecord txn) {
    writes.put(TableKeys.TXN, TableKeys.txn(txn.xid()), RecordCodec.encodeTxn(txn));
  }

  void putDeadline(long deadlineMs, String xid) {
    writes.put(TableKeys.TXN_DEADLINE, TableKeys.deadline(deadlineMs, xid), new byte[0]);
  }

  void deleteDeadline(long deadlineMs, String xid) {
    byte[] key = TableKeys.deadline(deadlineMs, xid);
    if (writes.get(TableKeys.TXN_DEADLINE, key) == null) {
      throw new IllegalStateException("TRYING txn " + xid + " has no deadline index entry");
    }
    writes.delete(TableKeys.TXN_DEADLINE, key);
  }

  void putParticipant(String participant, ParticipantRecord record) {
    writes.put(
        TableKeys.PARTICIPANT,
        TableKeys.participant(participant),
        RecordCodec.encodeParticipant(record));
  }

  void putPhase2(String participant, long seq, Phase2Ref call) {
    writes.put(TableKeys.PHASE2_CALL, phase2Key(participant, seq), RecordCodec.encodePhase2(call));
  }

  void deletePhase2(String participant, long seq) {
    writes.delete(TableKeys.PHASE2_CALL, phase2Key(participant, seq));
  }

  void putEndpoint(String participant, Endpoint endpoint) {
    writes.put(TableKeys.ENDPOINT, TableKeys.endpoint(participant),
        RecordCodec.encodeEndpoint(endpoint));
  }

  void putClusterTimeMs(long clusterTimeMs) {
    writes.put(TableKeys.META, TableKeys.CLUSTER_TIME_MS, RecordCodec.encodeCounter(clusterTimeMs));
  }

  /** Adds delta to the count of TRYING txns, which can never go below zero. */
  void addActiveTxns(int delta) {
    long count = activeTxns() + delta;
    if (count < 0) {
      throw new IllegalStateException("active txn count would go negative");
    }
    writes.put(TableKeys.META, TableKeys.ACTIVE_TXNS, RecordCodec.encodeCounter(count));
  }

  private static byte[] phase2Key(String participant, long seq) {
    byte[] prefix = TableKeys.phase2Prefix(participant);
    if (prefix == null) {
      throw new IllegalStateException("participant name too long for a phase-2 key");
    }
    return TableKeys.phase2(prefix, seq);
  }
}
