package dev.sequent.coordinator.table;

import java.util.ArrayList;
import java.util.List;

/**
 * The encoding of the table's stored values: private to the table, versioned by a leading format
 * byte, compact (varints), never Java serialization.
 *
 * <p>Why hand-written and not protobuf: every replica, and every replay of the log, must write the
 * same bytes for the same state (the determinism test compares stores byte for byte), and protobuf
 * does not promise a canonical encoding across library versions; the records are few and small,
 * so a few dozen lines of codec cost less than generated code plus the conversions around it.
 * Evolution is by the format byte: a new layout gets a new byte, and the decoder keeps reading the
 * old ones.
 */
final class RecordCodec {

  static final int FORMAT_V1 = 1;
  /**
   * Txn records only: format 1 plus an optional decision time, present when the flags carry
   * {@link #FLAG_DECIDED_AT}, as a varint right after beganAtMs. Txn records are written in this
   * format; format 1 txn records (which never have a decision time) are still read, so a store
   * written by an earlier version opens as it was.
   */
  static final int FORMAT_V2 = 2;

  private static final int FLAG_EXPIRED = 1;
  private static final int FLAG_DECIDED_AT = 2;

  private RecordCodec() {}

  static byte[] encodeTxn(TxnRecord txn) {
    txn.checkInvariants();
    boolean decidedAtKnown = txn.decidedAtMs() != TxnView.UNKNOWN_MS;
    RecordWriter out = new RecordWriter(64 + 64 * txn.branches().size())
        .writeByte(FORMAT_V2)
        .writeByte(txn.state().code())
        .writeByte((txn.expired() ? FLAG_EXPIRED : 0) | (decidedAtKnown ? FLAG_DECIDED_AT : 0))
        .writeVarLong(txn.beganAtMs());
    if (decidedAtKnown) {
      out.writeVarLong(txn.decidedAtMs());
    }
    out.writeVarLong(txn.deadlineMs())
        .writeVarLong(txn.timeoutMs())
        .writeVarLong(txn.beginBranchCount())
        .writeVarLong(txn.branches().size());
    for (BranchRecord branch : txn.branches()) {
      out.writeString(branch.branch().branchId())
          .writeString(branch.branch().participant())
          .writeBytes(branch.branch().payload())
          .writeVarLong(branch.seq())
          .writeByte(branch.state().code());
    }
    return out.toByteArray();
  }

  static TxnRecord decodeTxn(String xid, byte[] value) {
    RecordReader in = new RecordReader(value);
    int format = in.readByte();
    if (format != FORMAT_V1 && format != FORMAT_V2) {
      throw in.corrupt("unknown txn record format " + format);
    }
    TxnState state = decodeEnum(in, () -> TxnState.fromCode(in.readByte()));
    int flags = in.readByte();
    int known = format == FORMAT_V1 ? FLAG_EXPIRED : FLAG_EXPIRED | FLAG_DECIDED_AT;
    if ((flags & ~known) != 0) {
      throw in.corrupt("unknown txn flags " + flags + " in format " + format);
    }
    long beganAtMs = in.readVarLong();
    long decidedAtMs = (flags & FLAG_DECIDED_AT) != 0 ? in.readVarLong() : TxnView.UNKNOWN_MS;
    long deadlineMs = in.readVarLong();
    long timeoutMs = in.readVarLong();
    int beginCount = in.readCount(Integer.MAX_VALUE);
    // Each branch takes at least 5 bytes, which bounds the count before any allocation.
    int count = in.readCount(in.remaining() / 5);
    List<BranchRecord> branches = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Branch branch = new Branch(in.readString(), in.readString(), in.readBytes());
      long seq = in.readVarLong();
      BranchState branchState = decodeEnum(in, () -> BranchState.fromCode(in.readByte()));
      branches.add(new BranchRecord(branch, seq, branchState));
    }
    in.expectEnd();
    boolean expired = (flags & FLAG_EXPIRED) != 0;
    return new TxnRecord(xid, state, expired, beganAtMs, decidedAtMs, deadlineMs, timeoutMs,
            beginCount, branches)
        .checkInvariants();
  }

  static byte[] encodeParticipant(ParticipantRecord participant) {
    return new RecordWriter(20)
        .writeByte(FORMAT_V1)
        .writeVarLong(participant.lastSeq())
        .writeVarLong(participant.watermark())
        .toByteArray();
  }

  static ParticipantRecord decodeParticipant(byte[] value) {
    RecordReader in = new RecordReader(value);
    requireFormat(in);
    ParticipantRecord participant = new ParticipantRecord(in.readVarLong(), in.readVarLong());
    in.expectEnd();
    return participant;
  }

  static byte[] encodePhase2(Phase2Ref call) {
    return new RecordWriter(64)
        .writeByte(FORMAT_V1)
        .writeString(call.xid())
        .writeString(call.branchId())
        .writeByte(call.decision().code())
        .toByteArray();
  }

  static Phase2Ref decodePhase2(byte[] value) {
    RecordReader in = new RecordReader(value);
    requireFormat(in);
    String xid = in.readString();
    String branchId = in.readString();
    Decision decision = decodeEnum(in, () -> Decision.fromCode(in.readByte()));
    in.expectEnd();
    return new Phase2Ref(xid, branchId, decision);
  }

  static byte[] encodeEndpoint(Endpoint endpoint) {
    return new RecordWriter(16 + endpoint.host().length())
        .writeByte(FORMAT_V1)
        .writeString(endpoint.host())
        .writeVarLong(endpoint.port())
        .toByteArray();
  }

  static Endpoint decodeEndpoint(byte[] value) {
    RecordReader in = new RecordReader(value);
    requireFormat(in);
    String host = in.readString();
    long port = in.readVarLong();
    in.expectEnd();
    if (port > 65_535) {
      throw in.corrupt("port " + port + " out of range");
    }
    try {
      return new Endpoint(host, (int) port);
    } catch (IllegalArgumentException e) {
      throw in.corrupt(e.getMessage());
    }
  }

  static byte[] encodeCounter(long value) {
    return new RecordWriter(11).writeByte(FORMAT_V1).writeVarLong(value).toByteArray();
  }

  static long decodeCounter(byte[] value) {
    RecordReader in = new RecordReader(value);
    requireFormat(in);
    long counter = in.readVarLong();
    in.expectEnd();
    return counter;
  }

  private static void requireFormat(RecordReader in) {
    int format = in.readByte();
    if (format != FORMAT_V1) {
      throw in.corrupt("unknown record format " + format);
    }
  }

  private interface EnumRead<E> {
    E read();
  }

  /** Turns an unknown enum code into the corrupt-record error every decode failure is. */
  private static <E> E decodeEnum(RecordReader in, EnumRead<E> read) {
    try {
      return read.read();
    } catch (IllegalArgumentException e) {
      throw in.corrupt(e.getMessage());
    }
  }
}
