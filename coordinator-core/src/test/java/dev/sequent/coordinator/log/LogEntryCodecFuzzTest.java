package dev.sequent.coordinator.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import java.util.List;

/**
 * Coverage-guided fuzzing of the log-command codec, the bytes every replica applies. Any bytes
 * either decode to an entry, or fail with a {@link LogFormatException} and nothing else; a decoded
 * entry re-encodes to bytes that decode to the same entry; and applying it to a fresh table ends
 * in one result per command, never in an exception (an exception out of apply stops a node:
 * garbage that decodes must be refused as business, not crash the replica). Replies (the results
 * a proposer decodes) get the same round trip.
 *
 * <p>Normal test runs replay the kept inputs in {@code LogEntryCodecFuzzTestInputs}; {@code
 * JAZZER_FUZZ=1} fuzzes (the module's pom runs that in CI for {@code fuzz.duration}).
 */
class LogEntryCodecFuzzTest {
  private static final TransactionTable TABLE = new TransactionTable(TableLimits.DEFAULTS);

  @FuzzTest(maxDuration = "15s")
  void anyBytesDecodeToAnEntryThatAppliesOrFailWithALogFormatException(byte[] bytes) {
    LogEntry entry = null;
    try {
      entry = LogEntryCodec.decode(bytes);
    } catch (LogFormatException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
    }
    if (entry != null) {
      assertEquals(entry, LogEntryCodec.decode(LogEntryCodec.encode(entry)), "round trip");
      try (InMemoryStateStore store = InMemoryStateStore.create(TransactionTable.keyspaces())) {
        StagedWrites writes = store.stage();
        List<CommandResult> results =
            TABLE.applyEntry(entry.leaderTimeMs(), entry.commands(), writes);
        assertEquals(entry.commands().size(), results.size(), "one result per command");
      }
    }
    List<CommandResult> results = null;
    try {
      results = LogEntryCodec.decodeResults(bytes);
    } catch (LogFormatException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
    }
    if (results != null) {
      assertEquals(results,
          LogEntryCodec.decodeResults(LogEntryCodec.encodeResults(results)), "reply round trip");
    }
  }
}
