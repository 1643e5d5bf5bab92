package dev.sequent.coordinator.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.BranchView;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.TxnState;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Proves that entries and replies round-trip exactly, that the leader time can be stamped at its
 * fixed offset, and that garbage of any shape fails with a {@link LogFormatException} and nothing
 * else (no out-of-memory, no other exception, no hang).
 */
class LogEntryCodecTest {

  private static final List<Command> EVERY_KIND = List.of(
      new Command.Begin("x1", 30_000, List.of(
          new Branch("b1", "accounts", new byte[] {1, 2, 3}),
          new Branch("b2", "ledger", new byte[0]))),
      new Command.Begin("", -5, List.of()),
      new Command.RegisterBranch("x1", new Branch("b3", "caf\u00e9", new byte[300])),
      new Command.Decide("x1", Decision.CONFIRM),
      new Command.Decide("x2", Decision.CANCEL),
      new Command.RecordAcks(List.of(new Ack("accounts", 7), new Ack("ledger", -1))),
      new Command.RecordAcks(List.of()),
      new Command.ExpireDue(Integer.MIN_VALUE),
      new Command.ExpireDue(64),
      new Command.MarkNeedsOperator("accounts", Long.MAX_VALUE),
      new Command.OperatorResolve("ledger", Long.MIN_VALUE),
      new Command.AnnounceEndpoint("accounts", "10.0.0.7", 7000),
      new Command.AnnounceEndpoint("", "", Integer.MIN_VALUE));

  private static final List<CommandResult> RESULTS = List.of(
      new CommandResult(Outcome.OK, new TxnView("x1", TxnState.CONFIRMING, 1_000, 31_000, false,
          List.of(new BranchView("b1", "accounts", 4, BranchState.PENDING, 3),
              new BranchView("b2", "ledger", 9, BranchState.RESOLVED_BY_OPERATOR, 0))), ""),
      new CommandResult(Outcome.DECISION_CONFLICT,
          new TxnView("x2", TxnState.CANCELLED, 0, Long.MAX_VALUE, true, List.of()), "expired"),
      new CommandResult(Outcome.TOO_MANY_ACTIVE_TXNS, null, "back off \u2013 please"));

  @Test
  void everyCommandKindRoundTrips() {
    LogEntry entry = LogEntry.of(1_700_000_000_123L, EVERY_KIND);

    byte[] bytes = LogEntryCodec.encode(entry);

    assertEquals(entry, LogEntryCodec.decode(bytes));
    assertEquals(LogEntryCodec.FORMAT_V1, bytes[0]);
    for (Command.Kind kind : Command.Kind.values()) {
      assertTrue(EVERY_KIND.stream().anyMatch(c -> c.kind() == kind), "covers " + kind);
    }
  }

  @Test
  void anEmptyEntryAndExtremeTimesRoundTrip() {
    for (long time : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
      LogEntry entry = LogEntry.of(time, List.of());
      assertEquals(entry, LogEntryCodec.decode(LogEntryCodec.encode(entry)));
    }
  }

  @Test
  void theLeaderTimeIsStampedAtItsFixedOffsetWithoutTouchingTheRest() {
    byte[] unstamped = LogEntryCodec.encode(LogEntry.of(0, EVERY_KIND));

    byte[] stamped = LogEntryCodec.withLeaderTime(unstamped, 0x0102030405060708L);

    assertEquals(0x0102030405060708L, LogEntryCodec.leaderTimeMs(stamped));
    assertEquals(0x0102030405060708L, LogEntryCodec.decode(stamped).leaderTimeMs());
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, Arrays.copyOfRange(stamped,
        LogEntryCodec.LEADER_TIME_OFFSET, LogEntryCodec.LEADER_TIME_OFFSET + 8));
    assertArrayEquals(Arrays.copyOfRange(unstamped, LogEntryCodec.HEADER_BYTES, unstamped.length),
        Arrays.copyOfRange(stamped, LogEntryCodec.HEADER_BYTES, stamped.length));
    assertEquals(0, LogEntryCodec.leaderTimeMs(unstamped), "the input is not modified");
    assertThrows(LogFormatException.class, () -> LogEntryCodec.withLeaderTime(new byte[3], 1));
  }

  @Test
  void resultsRoundTrip() {
    assertEquals(RESULTS, LogEntryCodec.decodeResults(LogEntryCodec.encodeResults(RESULTS)));
    assertEquals(List.of(), LogEntryCodec.decodeResults(LogEntryCodec.encodeResults(List.of())));
  }

  @Test
  void anOutcomeCodeFromANewerVersionDecodesAsInternal() {
    byte[] reply = {1, 1, 0x7F, 0, 0};
    assertEquals(Outcome.INTERNAL, LogEntryCodec.decodeResults(reply).get(0).outcome());
  }

  @Test
  void badHeadersAreRefusedClearly() {
    assertFormatError(new byte[0], "no header");
    assertFormatError(new byte[8], "no header");
    byte[] version2 = LogEntryCodec.encode(LogEntry.of(0, List.of()));
    version2[0] = 2;
    assertFormatError(version2, "unsupported log entry format 2");
    assertThrows(IllegalArgumentException.class, () -> new LogEntry(2, 0, List.of()));
  }

  @Test
  void hugeCountsAndLengthsFailBeforeAnyAllocation() {
    byte[] header = LogEntryCodec.encode(LogEntry.of(0, List.of()));
    byte[] hugeCount = Arrays.copyOf(header, header.length + 4);
    System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}, 0, hugeCount,
        LogEntryCodec.HEADER_BYTES, 4);
    assertFormatError(hugeCount, "exceeds");

    byte[] begin = LogEntryCodec.encode(LogEntry.of(0, List.of(new Command.Decide("x", Decision
        .CONFIRM))));
    // Decide: tag at 10, then the xid's length at 11: claim 2^62 bytes.
    byte[] hugeString = new byte[begin.length + 9];
    System.arraycopy(begin, 0, hugeString, 0, 11);
    byte[] varint = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40};
    System.arraycopy(varint, 0, hugeString, 11, varint.length);
    assertFormatError(hugeString, "exceeds");

    byte[] overflow = Arrays.copyOf(header, header.length + 11);
    Arrays.fill(overflow, LogEntryCodec.HEADER_BYTES, overflow.length, (byte) 0xFF);
    assertFormatError(overflow, "varint");
  }

  @Test
  void unknownTagsEnumsAndTrailingBytesAreRefused() {
    byte[] bytes = LogEntryCodec.encode(LogEntry.of(0, List.of(new Command.Decide("x",
        Decision.CANCEL))));
    byte[] badTag = bytes.clone();
    badTag[LogEntryCodec.HEADER_BYTES + 1] = 99;
    assertFormatError(badTag, "unknown command tag 99");
    byte[] badDecision = bytes.clone();
    badDecision[bytes.length - 1] = 3;
    assertFormatError(badDecision, "unknown decision code 3");
    assertFormatError(Arrays.copyOf(bytes, bytes.length + 1), "trailing");
    byte[] badUtf8 = bytes.clone();
    badUtf8[LogEntryCodec.HEADER_BYTES + 3] = (byte) 0xC3;
    assertFormatError(badUtf8, "UTF-8");
  }

  @Test
  void everyTruncationOfAnEntryOrReplyIsRefused() {
    byte[] entry = LogEntryCodec.encode(LogEntry.of(42, EVERY_KIND));
    for (int cut = 0; cut < entry.length; cut++) {
      byte[] shorter = Arrays.copyOf(entry, cut);
      assertThrows(LogFormatException.class, () -> LogEntryCodec.decode(shorter), "cut " + cut);
    }
    byte[] reply = LogEntryCodec.encodeResults(RESULTS);
    for (int cut = 0; cut < reply.length; cut++) {
      byte[] shorter = Arrays.copyOf(reply, cut);
      assertThrows(LogFormatException.class, () -> LogEntryCodec.decodeResults(shorter));
    }
  }

  /** Random bit flips, byte changes and pure noise: decode or LogFormatException, nothing else. */
  @Test
  void garbageNeverEscapesAsAnythingButLogFormatException() {
    long seed = seed();
    Random random = new Random(seed);
    byte[] entry = LogEntryCodec.encode(LogEntry.of(42, EVERY_KIND));
    byte[] reply = LogEntryCodec.encodeResults(RESULTS);
    for (int i = 0; i < 20_000; i++) {
      boolean ofEntry = random.nextBoolean();
      byte[] bytes = mutate(random, ofEntry ? entry : reply);
      try {
        if (ofEntry) {
          LogEntryCodec.decode(bytes);
        } else {
          LogEntryCodec.decodeResults(bytes);
        }
      } catch (LogFormatException expected) {
        // The one failure the codec may report.
      } catch (RuntimeException | OutOfMemoryError e) {
        fail("-Dseed=" + seed + " case " + i + ": " + e + " for " + Arrays.toString(bytes), e);
      }
    }
  }

  private static byte[] mutate(Random random, byte[] original) {
    byte[] bytes;
    switch (random.nextInt(3)) {
      case 0 -> {
        bytes = original.clone();
        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
      }
      case 1 -> {
        bytes = original.clone();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      default -> {
        bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
          bytes[0] = 1;
        }
      }
    }
    return bytes;
  }

  private static void assertFormatError(byte[] bytes, String messagePart) {
    LogFormatException e =
        assertThrows(LogFormatException.class, () -> LogEntryCodec.decode(bytes));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  private static long seed() {
    String given = System.getProperty("seed");
    return given == null || given.isBlank() ? new Random().nextLong() : Long.parseLong(given);
  }
}
