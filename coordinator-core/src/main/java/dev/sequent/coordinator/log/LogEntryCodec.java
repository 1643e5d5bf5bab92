package dev.sequent.coordinator.log;

import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.BranchView;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TxnState;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a Raft entry and of the reply that goes back to its proposer. The format is private
 * to coordinator-core (not a wire message) and versioned on its own.
 *
 * <p>Entry, format 1:
 *
 * <pre>
 * offset 0   format version (1 byte) = 1
 * offset 1   leader time ms, 8 bytes big-endian: at a fixed offset so the leader can stamp its
 *            clock into an encoded entry with {@link #withLeaderTime} (a copy, 8 byte writes)
 * offset 9   command count (varint), then each command: kind tag (1 byte) and its fields
 * </pre>
 *
 * <p>Reply, format 1: format version (1 byte), result count (varint), then per result the outcome
 * code (varint), the detail (string), and a txn view or not (1 byte flag, then the view).
 *
 * <p>Counts and lengths are unsigned LEB128 varints; numbers that a bad request may make negative
 * (timeouts, seqs, times) are zigzag varints, so any value round-trips and the table, not the
 * codec, judges it. Strings are length-prefixed UTF-8 (strictly checked on decode).
 *
 * <p>Why hand-written rather than protobuf: the fixed leader-time offset and the byte layout are
 * ours to promise; the format is small; and decoding garbage must fail in one predictable way (a
 * {@link LogFormatException}) with every length checked against the bytes left.
 */
public final class LogEntryCodec {

  /** Format 1 of entries and replies (the only one so far). */
  public static final int FORMAT_V1 = 1;
  /** The entry and reply format this version writes. */
  public static final int FORMAT_VERSION = FORMAT_V1;
  /** Where the leader time sits in an encoded entry. */
  public static final int LEADER_TIME_OFFSET = 1;
  /** Bytes before the first command: the format byte and the leader time. */
  public static final int HEADER_BYTES = LEADER_TIME_OFFSET + Long.BYTES;

  private LogEntryCodec() {}

  /** Encodes an entry in its format version. */
  public static byte[] encode(LogEntry entry) {
    EntryWriter out = new EntryWriter(64 * (1 + entry.commands().size()))
        .writeByte(entry.formatVersion())
        .writeFixedLong(entry.leaderTimeMs())
        .writeCount(entry.commands().size());
    for (Command command : entry.commands()) {
      CommandCodec.write(out, command);
    }
    return out.toByteArray();
  }

  /**
   * Decodes an entry.
   *
   * @throws LogFormatException for bytes that are not an entry of a known format
   */
  public static LogEntry decode(byte[] entry) {
    requireHeader(entry);
    EntryReader in = new EntryReader(entry, HEADER_BYTES);
    long leaderTimeMs = readLeaderTime(entry);
    // Every command takes at least 2 bytes (tag and one field).
    int count = in.readCount(2);
    List<Command> commands = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      commands.add(CommandCodec.read(in));
    }
    in.expectEnd();
    return new LogEntry(FORMAT_V1, leaderTimeMs, commands);
  }

  /**
   * A copy of an encoded entry with its leader time replaced: what the leader does in
   * startTransaction, without decoding the commands.
   *
   * @throws LogFormatException when entry does not start with a known header
   */
  public static byte[] withLeaderTime(byte[] entry, long leaderTimeMs) {
    requireHeader(entry);
    byte[] stamped = entry.clone();
    for (int i = 0; i < Long.BYTES; i++) {
      stamped[LEADER_TIME_OFFSET + i] = (byte) (leaderTimeMs >>> (56 - 8 * i));
    }
    return stamped;
  }

  /**
   * The leader time of an encoded entry, without decoding the commands.
   *
   * @throws LogFormatException when entry does not start with a known header
   */
  public static long leaderTimeMs(byte[] entry) {
    requireHeader(entry);
    return readLeaderTime(entry);
  }

  /** Encodes the results of an entry's commands: the reply to its proposer. */
  public static byte[] encodeResults(List<CommandResult> results) {
    EntryWriter out = new EntryWriter(64 * (1 + results.size()))
        .writeByte(FORMAT_V1)
        .writeCount(results.size());
    for (CommandResult result : results) {
      out.writeCount(result.outcome().code()).writeString(result.detail());
      if (result.txn() == null) {
        out.writeByte(0);
      } else {
        writeTxnView(out.writeByte(1), result.txn());
      }
    }
    return out.toByteArray();
  }

  /**
   * Decodes a reply. An outcome code this version does not know decodes as {@link
   * Outcome#INTERNAL}, like everywhere else.
   *
   * @throws LogFormatException for bytes that are not a reply of a known format
   */
  public static List<CommandResult> decodeResults(byte[] reply) {
    EntryReader in = new EntryReader(reply, 0);
    int format = in.readByte();
    if (format != FORMAT_V1) {
      throw in.fail("unsupported reply format " + format);
    }
    // Every result takes at least 3 bytes (outcome, empty detail, no-txn flag).
    int count = in.readCount(3);
    List<CommandResult> results = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Outcome outcome = Outcome.fromCode(in.readUnsignedInt());
      String detail = in.readString();
      int hasTxn = in.readByte();
      TxnView txn = switch (hasTxn) {
        case 0 -> null;
        case 1 -> readTxnView(in);
        default -> throw in.fail("bad txn flag " + hasTxn);
      };
      results.add(new CommandResult(outcome, txn, detail));
    }
    in.expectEnd();
    return results;
  }

  private static void writeTxnView(EntryWriter out, TxnView txn) {
    out.writeString(txn.xid())
        .writeByte(txn.state().code())
        .writeByte(txn.expired() ? 1 : 0)
        .writeSigned(txn.beganAtMs())
        .writeSigned(txn.deadlineMs())
        .writeCount(txn.branches().size());
    for (BranchView branch : txn.branches()) {
      out.writeString(branch.branchId())
          .writeString(branch.participant())
          .writeSigned(branch.seq())
          .writeByte(branch.state().code())
          .writeCount(branch.payloadBytes());
    }
  }

  private static TxnView readTxnView(EntryReader in) {
    String xid = in.readString();
    TxnState state = CommandCodec.decodeEnum(in, () -> TxnState.fromCode(in.readByte()));
    boolean expired = CommandCodec.readFlag(in);
    long beganAtMs = in.readSigned();
    long deadlineMs = in.readSigned();
    // Every branch view takes at least 5 bytes.
    int count = in.readCount(5);
    List<BranchView> branches = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String branchId = in.readString();
      String participant = in.readString();
      long seq = in.readSigned();
      BranchState branchState =
          CommandCodec.decodeEnum(in, () -> BranchState.fromCode(in.readByte()));
      int payloadBytes = in.readUnsignedInt();
      branches.add(CommandCodec.construct(in,
          () -> new BranchView(branchId, participant, seq, branchState, payloadBytes)));
    }
    return new TxnView(xid, state, beganAtMs, deadlineMs, expired, branches);
  }

  private static void requireHeader(byte[] entry) {
    if (entry.length < HEADER_BYTES) {
      throw new LogFormatException("log entry of " + entry.length + " bytes has no header");
    }
    if (entry[0] != FORMAT_V1) {
      throw new LogFormatException("unsupported log entry format " + (entry[0] & 0xFF));
    }
  }

  private static long readLeaderTime(byte[] entry) {
    long value = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      value = (value << 8) | (entry[LEADER_TIME_OFFSET + i] & 0xFF);
    }
    return value;
  }
}
