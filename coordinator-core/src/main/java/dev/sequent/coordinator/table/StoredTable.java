package dev.sequent.coordinator.table;

import dev.sequent.storage.Keys;
import dev.sequent.storage.StateReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of the table's keyspaces over any {@link StateReader}: the committed store for the
 * read side, the staged writes during apply. A value that does not decode is a broken invariant
 * and surfaces as an {@link IllegalStateException} naming the keyspace.
 */
class StoredTable {

  final StateReader reader;

  StoredTable(StateReader reader) {
    this.reader = reader;
  }

  /** The txn named xid, or null. */
  TxnRecord txn(String xid) {
    byte[] value = reader.get(TableKeys.TXN, TableKeys.txn(xid));
    if (value == null) {
      return null;
    }
    try {
      return RecordCodec.decodeTxn(xid, value);
    } catch (IllegalStateException e) {
      throw corrupt(TableKeys.TXN, xid, e);
    }
  }

  /** The txn named xid, which some index says exists. */
  TxnRecord requireTxn(String xid, String because) {
    TxnRecord txn = txn(xid);
    if (txn == null) {
      throw new IllegalStateException("txn " + xid + " is missing, yet " + because);
    }
    return txn;
  }

  ParticipantRecord participant(String participant) {
    byte[] value = reader.get(TableKeys.PARTICIPANT, TableKeys.participant(participant));
    if (value == null) {
      return ParticipantRecord.NONE;
    }
    try {
      return RecordCodec.decodeParticipant(value);
    } catch (IllegalStateException e) {
      throw corrupt(TableKeys.PARTICIPANT, participant, e);
    }
  }

  /** The endpoint the participant last announced, or null. */
  Endpoint endpoint(String participant) {
    byte[] value = reader.get(TableKeys.ENDPOINT, TableKeys.endpoint(participant));
    if (value == null) {
      return null;
    }
    try {
      return RecordCodec.decodeEndpoint(value);
    } catch (IllegalStateException e) {
      throw corrupt(TableKeys.ENDPOINT, participant, e);
    }
  }

  /**
   * Every participant whose last seq is above its watermark, in name order: one scan of the whole
   * participant keyspace.
   */
  List<Backlog> backlog() {
    List<Backlog> backlog = new ArrayList<>();
    reader.scan(TableKeys.PARTICIPANT, null, null, (key, value) -> {
      String participant = TableKeys.participantOf(key);
      ParticipantRecord counters;
      try {
        counters = RecordCodec.decodeParticipant(value);
      } catch (IllegalStateException e) {
        throw corrupt(TableKeys.PARTICIPANT, participant, e);
      }
      if (counters.lastSeq() > counters.watermark()) {
        backlog.add(new Backlog(participant, counters.watermark(), counters.lastSeq()));
      }
      return true;
    });
    return backlog;
  }

  /** The unacknowledged call (participant, seq), or null. */
  Phase2Ref phase2(String participant, long seq) {
    byte[] prefix = TableKeys.phase2Prefix(participant);
    if (prefix == null) {
      return null;
    }
    byte[] value = reader.get(TableKeys.PHASE2_CALL, TableKeys.phase2(prefix, seq));
    return value == null ? null : decodePhase2(participant, seq, value);
  }

  /**
   * The unacknowledged calls of a participant with seq in [fromSeq, toSeqExclusive), in seq order,
   * at most limit of them. Half-open like every range here.
   */
  List<Map.Entry<Long, Phase2Ref>> phase2Range(
      String participant, long fromSeq, long toSeqExclusive, int limit) {
    List<Map.Entry<Long, Phase2Ref>> calls = new ArrayList<>();
    byte[] prefix = TableKeys.phase2Prefix(participant);
    if (prefix == null || fromSeq >= toSeqExclusive) {
      return calls;
    }
    byte[] to = toSeqExclusive == Long.MAX_VALUE
        ? Keys.prefixEnd(prefix)
        : TableKeys.phase2(prefix, toSeqExclusive);
    reader.scan(TableKeys.PHASE2_CALL, TableKeys.phase2(prefix, fromSeq), to, (key, value) -> {
      long seq = TableKeys.seqOfPhase2(key);
      calls.add(Map.entry(seq, decodePhase2(participant, seq, value)));
      return calls.size() < limit;
    });
    return calls;
  }

  /** Up to limit (deadline, xid) pairs of TRYING txns due at nowMs, earliest first. */
  List<Map.Entry<Long, String>> due(long nowMs, int limit) {
    return due(0, nowMs, limit);
  }

  /**
   * Up to limit (deadline, xid) pairs of TRYING txns with a deadline in [fromMs, throughMs],
   * earliest first. Both ends bound the store's iterator: every decided txn leaves a deleted
   * deadline key behind until compaction, and an unbounded seek to the first live key steps over
   * all of them (measured: 8% of a leader's CPU at 1,100 txns/s, from a sweep every 250 ms).
   */
  List<Map.Entry<Long, String>> due(long fromMs, long throughMs, int limit) {
    List<Map.Entry<Long, String>> due = new ArrayList<>();
    if (throughMs < fromMs) {
      return due;
    }
    byte[] from = fromMs <= 0 ? null : TableKeys.deadline(fromMs, "");
    byte[] to = throughMs == Long.MAX_VALUE ? null : TableKeys.deadline(throughMs + 1, "");
    reader.scan(TableKeys.TXN_DEADLINE, from, to, (key, value) -> {
      due.add(Map.entry(TableKeys.deadlineOf(key), TableKeys.xidOfDeadline(key)));
      return due.size() < limit;
    });
    return due;
  }

  /** Cluster time as of the last applied entry; 0 before the first. */
  long clusterTimeMs() {
    return counter(TableKeys.CLUSTER_TIME_MS);
  }

  boolean hasClusterTime() {
    return reader.get(TableKeys.META, TableKeys.CLUSTER_TIME_MS) != null;
  }

  /** How many txns are TRYING. */
  long activeTxns() {
    return counter(TableKeys.ACTIVE_TXNS);
  }

  private long counter(byte[] key) {
    byte[] value = reader.get(TableKeys.META, key);
    if (value == null) {
      return 0;
    }
    try {
      return RecordCodec.decodeCounter(value);
    } catch (IllegalStateException e) {
      throw corrupt(TableKeys.META, new String(key, java.nio.charset.StandardCharsets.US_ASCII), e);
    }
  }

  private Phase2Ref decodePhase2(String participant, long seq, byte[] value) {
    try {
      return RecordCodec.decodePhase2(value);
    } catch (IllegalStateException e) {
      throw corrupt(TableKeys.PHASE2_CALL, participant + "#" + seq, e);
    }
  }

  static IllegalStateException corrupt(String keyspace, String key, RuntimeException cause) {
    return new IllegalStateException(
        "corrupt value in keyspace " + keyspace + " at " + key + ": " + cause.getMessage(), cause);
  }
}
