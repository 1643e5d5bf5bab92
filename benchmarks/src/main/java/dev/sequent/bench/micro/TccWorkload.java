package dev.sequent.bench.micro;

import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.protocol.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the Raft entries of a steady TCC load, as the proposer would batch them: entry k holds
 * the begins of txn batch k, interleaved with the decides of batch k-1 (begun one entry earlier),
 * and one {@link Command.RecordAcks} that acknowledges every phase-2 call of batch k-2 (decided one
 * entry earlier). So from the third entry on, each entry carries {@link #COMMANDS_PER_ENTRY}
 * commands and every command reads state that an earlier entry committed, as in a real cluster,
 * where a txn's begin, decide and acks never share an entry.
 *
 * <p>The txns look like the bank demo's transfers: a UUID-shaped xid, a 10 s timeout, two branches
 * ("debit" and "credit") on two of {@link #PARTICIPANTS} participants, payloads like
 * {@code "DEBIT acct-0001234 250"}. Deterministic: the same sequence of calls always yields the
 * same entries, so runs compare.
 *
 * <p>Not thread-safe: one benchmark thread owns one instance.
 */
final class TccWorkload {

  /** Txns begun (and, one entry later, decided) per entry. */
  static final int TXNS_PER_ENTRY = 64;
  /** Begins, decides and the one ack command of a steady-state entry. */
  static final int COMMANDS_PER_ENTRY = 2 * TXNS_PER_ENTRY + 1;
  /** Participants the branches are spread over (the demo has two banks; a few more is typical). */
  static final int PARTICIPANTS = 4;
  /** Entries to apply before an entry carries all three kinds of command. */
  static final int PRIMING_ENTRIES = 2;

  static final long TIMEOUT_MS = 10_000;

  private final String[] participants = new String[PARTICIPANTS];
  // Seqs the table assigns, tracked here (it assigns them in command order, 1, 2, 3 ...), so the
  // acks can be built without reading the table: lastSeq now, and as of the end of the last entry.
  private final long[] lastSeq = new long[PARTICIPANTS];
  private long[] decidedBeforeThisEntry = new long[PARTICIPANTS];
  private final long[] acked = new long[PARTICIPANTS];
  private long entries;
  private long nextLeaderTimeMs = 1_700_000_000_000L;

  TccWorkload() {
    for (int p = 0; p < PARTICIPANTS; p++) {
      participants[p] = "bank-" + p;
    }
  }

  /** The leader time of the entry {@link #nextEntry} returned last (a millisecond per entry). */
  long leaderTimeMs() {
    return nextLeaderTimeMs - 1;
  }

  /** The next entry's commands; from the third call on, {@link #COMMANDS_PER_ENTRY} of them. */
  List<Command> nextEntry() {
    long batch = entries++;
    nextLeaderTimeMs++;
    List<Command> commands = new ArrayList<>(COMMANDS_PER_ENTRY);
    List<Ack> acks = acksUpTo(decidedBeforeThisEntry);
    for (int i = 0; i < TXNS_PER_ENTRY; i++) {
      commands.add(begin(batch * TXNS_PER_ENTRY + i));
      if (batch >= 1) {
        long txn = (batch - 1) * TXNS_PER_ENTRY + i;
        commands.add(new Command.Decide(xid(txn), Decision.CONFIRM));
        // Branch order is debit then credit: the table assigns seqs in registration order.
        lastSeq[debitOf(txn)]++;
        lastSeq[creditOf(txn)]++;
      }
    }
    if (!acks.isEmpty()) {
      commands.add(new Command.RecordAcks(acks));
    }
    decidedBeforeThisEntry = lastSeq.clone();
    return commands;
  }

  /** One txn's begin, as the initiator sends it: both branches known up front. */
  Command.Begin begin(long txn) {
    return new Command.Begin(xid(txn), TIMEOUT_MS, List.of(
        new Branch("debit", participants[debitOf(txn)], payload("DEBIT", txn)),
        new Branch("credit", participants[creditOf(txn)], payload("CREDIT", txn))));
  }

  /** A UUID-shaped xid (36 characters, like {@code TccClient.newXid()}), unique per txn. */
  static String xid(long txn) {
    return String.format("%08x-0000-4000-8000-%012x", txn >>> 48, txn & 0xFFFF_FFFF_FFFFL);
  }

  /**
   * Throws unless every result is OK: a benchmark must measure the path that does the work, not a
   * refusal (a broken workload would otherwise look like a speed-up).
   */
  static void requireAllOk(List<CommandResult> results, int expectedCount) {
    if (results.size() != expectedCount) {
      throw new IllegalStateException(
          "expected " + expectedCount + " results, got " + results.size());
    }
    for (CommandResult result : results) {
      if (result.outcome() != Outcome.OK) {
        throw new IllegalStateException("workload command refused: " + result);
      }
    }
  }

  private List<Ack> acksUpTo(long[] seqs) {
    List<Ack> acks = new ArrayList<>(PARTICIPANTS);
    for (int p = 0; p < PARTICIPANTS; p++) {
      if (seqs[p] > acked[p]) {
        acks.add(new Ack(participants[p], seqs[p]));
        acked[p] = seqs[p];
      }
    }
    return acks;
  }

  private static int debitOf(long txn) {
    return (int) (txn % PARTICIPANTS);
  }

  private static int creditOf(long txn) {
    return (int) ((txn + 1) % PARTICIPANTS);
  }

  private static byte[] payload(String direction, long txn) {
    return String.format("%s acct-%07d 250", direction, txn % 10_000_000)
        .getBytes(StandardCharsets.US_ASCII);
  }
}
