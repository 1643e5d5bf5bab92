package dev.sequent.coordinator.log;

import dev.sequent.coordinator.table.Command;
import java.util.List;
import java.util.Objects;

/**
 * The content of one Raft entry: the leader's clock when it accepted the entry, and the TCC
 * commands applied together, in order, at that time.
 *
 * @param formatVersion the format the entry was (or will be) encoded in
 * @param leaderTimeMs the leader's wall clock, stamped in {@code startTransaction}; the table makes
 *     cluster time monotonic from it
 */
public record LogEntry(int formatVersion, long leaderTimeMs, List<Command> commands) {

  public LogEntry {
    if (formatVersion != LogEntryCodec.FORMAT_V1) {
      throw new IllegalArgumentException("unsupported log format version " + formatVersion);
    }
    commands = List.copyOf(Objects.requireNonNull(commands, "commands"));
  }

  /** An entry in the current format. */
  public static LogEntry of(long leaderTimeMs, List<Command> commands) {
    return new LogEntry(LogEntryCodec.FORMAT_VERSION, leaderTimeMs, commands);
  }
}
