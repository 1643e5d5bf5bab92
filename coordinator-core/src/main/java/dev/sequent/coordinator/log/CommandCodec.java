package dev.sequent.coordinator.log;

import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The fields of each command in a log entry, after its kind tag. Structure only: the codec keeps
 * every value a command can hold (an empty xid, a negative timeout) so that the table, not the
 * codec, answers it with an outcome.
 */
final class CommandCodec {

  private CommandCodec() {}

  static void write(EntryWriter out, Command command) {
    out.writeByte(command.kind().tag());
    switch (command.kind()) {
      case BEGIN -> {
        Command.Begin begin = (Command.Begin) command;
        out.writeString(begin.xid()).writeSigned(begin.timeoutMs())
            .writeCount(begin.branches().size());
        begin.branches().forEach(branch -> writeBranch(out, branch));
      }
      case REGISTER_BRANCH -> {
        Command.RegisterBranch register = (Command.RegisterBranch) command;
        writeBranch(out.writeString(register.xid()), register.branch());
      }
      case DECIDE -> {
        Command.Decide decide = (Command.Decide) command;
        out.writeString(decide.xid()).writeByte(decide.decision().code());
      }
      case RECORD_ACKS -> {
        List<Ack> acks = ((Command.RecordAcks) command).acks();
        out.writeCount(acks.size());
        acks.forEach(ack -> out.writeString(ack.participant()).writeSigned(ack.appliedSeq()));
      }
      case EXPIRE_DUE -> out.writeSigned(((Command.ExpireDue) command).maxTxns());
      case MARK_NEEDS_OPERATOR -> {
        Command.MarkNeedsOperator mark = (Command.MarkNeedsOperator) command;
        out.writeString(mark.participant()).writeSigned(mark.seq());
      }
      case OPERATOR_RESOLVE -> {
        Command.OperatorResolve resolve = (Command.OperatorResolve) command;
        out.writeString(resolve.participant()).writeSigned(resolve.seq());
      }
      case ANNOUNCE_ENDPOINT -> {
        Command.AnnounceEndpoint announce = (Command.AnnounceEndpoint) command;
        out.writeString(announce.participant()).writeString(announce.host())
            .writeSigned(announce.port());
      }
    }
  }

  static Command read(EntryReader in) {
    Command.Kind kind = decodeEnum(in, () -> Command.Kind.fromTag(in.readByte()));
    return switch (kind) {
      case BEGIN -> {
        String xid = in.readString();
        long timeoutMs = in.readSigned();
        // Every branch takes at least 3 bytes (three empty fields).
        int count = in.readCount(3);
        List<Branch> branches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          branches.add(readBranch(in));
        }
        yield new Command.Begin(xid, timeoutMs, branches);
      }
      case REGISTER_BRANCH -> new Command.RegisterBranch(in.readString(), readBranch(in));
      case DECIDE -> new Command.Decide(
          in.readString(), decodeEnum(in, () -> Decision.fromCode(in.readByte())));
      case RECORD_ACKS -> {
        // Every ack takes at least 2 bytes (empty name, seq).
        int count = in.readCount(2);
        List<Ack> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          acks.add(new Ack(in.readString(), in.readSigned()));
        }
        yield new Command.RecordAcks(acks);
      }
      case EXPIRE_DUE -> new Command.ExpireDue(readInt(in));
      case MARK_NEEDS_OPERATOR -> new Command.MarkNeedsOperator(in.readString(), in.readSigned());
      case OPERATOR_RESOLVE -> new Command.OperatorResolve(in.readString(), in.readSigned());
      case ANNOUNCE_ENDPOINT ->
          new Command.AnnounceEndpoint(in.readString(), in.readString(), readInt(in));
    };
  }

  /** Reads a 0/1 flag; anything else is corrupt. */
  static boolean readFlag(EntryReader in) {
    int flag = in.readByte();
    if (flag > 1) {
      throw in.fail("bad flag " + flag);
    }
    return flag == 1;
  }

  /** Runs an enum lookup whose unknown codes throw IllegalArgumentException, as a format error. */
  static <E> E decodeEnum(EntryReader in, Supplier<E> lookup) {
    return construct(in, lookup);
  }

  /** Builds a value whose constructor checks it, turning its refusal into a format error. */
  static <T> T construct(EntryReader in, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (LogFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw in.fail(e.getMessage());
    }
  }

  private static void writeBranch(EntryWriter out, Branch branch) {
    out.writeString(branch.branchId()).writeString(branch.participant())
        .writeBytes(branch.payload());
  }

  private static Branch readBranch(EntryReader in) {
    return new Branch(in.readString(), in.readString(), in.readBytes());
  }

  private static int readInt(EntryReader in) {
    long value = in.readSigned();
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw in.fail("value " + value + " does not fit an int");
    }
    return (int) value;
  }
}
