package dev.sequent.coordinator.metrics;

import dev.sequent.coordinator.raft.TccStateMachine;
import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnState;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to txns, as this node applies the log: counted once per txn, on the entry that
 * changed it, never on an idempotent retry, a replay or a refused command. See docs/metrics.md.
 *
 * <p>How "once" is known: the table answers a retry exactly as it answered the first attempt, so
 * results alone cannot tell them apart. An observer sees each entry before it is committed, with
 * the state before and after it, and compares the two for the few txns the entry names: a begin
 * counts when the txn did not exist before the entry, a decision when the txn was TRYING (or did
 * not exist) before it, completion when the txn was not final before it. Acks name participants,
 * not txns: their txns are found through the calls the ack covers, read from the state before.
 * Expiries name neither: they are what is left of the change in the count of TRYING txns.
 *
 * <p>Latencies use the cluster times in the records (leader-stamped, monotonic), so every node
 * measures the same interval: decision latency is decision time - begin time; phase-2 latency is
 * the cluster time of the entry that made the txn final - its decision time (txns with at least
 * one branch; a txn decided by a version that did not record its decision time is skipped).
 *
 * <p>Cost: a few point reads per begin or decision, and for acks about as many reads as applying
 * them took (all of recently read keys). Runs on the apply thread only; not thread-safe.
 */
public final class TxnMetrics implements TccStateMachine.EntryObserver, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TxnMetrics.class);

  static final String BEGUN = "sequent.txns.begun";
  static final String CONFIRMED = "sequent.txns.confirmed";
  static final String CANCELLED = "sequent.txns.cancelled";
  static final String EXPIRED = "sequent.txns.expired";
  static final String DECISION_LATENCY = "sequent.txns.decision.latency";
  static final String PHASE2_LATENCY = "sequent.txns.phase2.latency";
  static final String COMMANDS = "sequent.commands.applied";
  static final String ERRORS = "sequent.metrics.errors";

  /** Calls read per page when following an ack through the calls it covers. */
  private static final int ACK_PAGE_MAX = 256;
  /** After the first failure, log one in this many (the counter counts all). */
  private static final long LOG_EVERY = 1_000;

  private final TransactionTable table;
  private final MeterRegistry registry;
  private final Tags nodeTag;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final Counter begun;
  private final Counter confirmed;
  private final Counter cancelled;
  private final Counter expired;
  private final Counter errors;
  private final Map<Decision, Timer> decisionLatency = new EnumMap<>(Decision.class);
  private final Map<Decision, Timer> phase2Latency = new EnumMap<>(Decision.class);
  private final Map<Command.Kind, Map<Outcome, Counter>> commands =
      new EnumMap<>(Command.Kind.class);

  public TxnMetrics(TransactionTable table, MeterRegistry registry, String nodeId) {
    this.table = table;
    this.registry = registry;
    this.nodeTag = Tags.of("node", nodeId);
    begun = counter(BEGUN, "Txns begun (the begin that created the txn)", nodeTag);
    confirmed = counter(CONFIRMED, "Txns the initiator decided to confirm", nodeTag);
    cancelled = counter(CANCELLED, "Txns the initiator decided to cancel", nodeTag);
    expired = counter(EXPIRED, "Txns cancelled by expiry (past their deadline while TRYING)",
        nodeTag);
    errors = counter(ERRORS, "Entries this node's metrics failed to observe", nodeTag);
    for (Decision decision : Decision.values()) {
      Tags tags = nodeTag.and("decision", tag(decision));
      decisionLatency.put(decision, timer(DECISION_LATENCY,
          "Cluster time from begin to the initiator's decision", tags));
      phase2Latency.put(decision, timer(PHASE2_LATENCY,
          "Cluster time from the decision to the txn's final state (every branch acknowledged"
              + " or resolved)", tags));
    }
  }

  @Override
  public void onEntry(TccStateMachine.AppliedEntry entry) {
    try {
      observe(entry);
    } catch (RuntimeException e) {
      // A metric must never stop the apply; the error is counted and, sparsely, logged.
      errors.increment();
      long count = (long) errors.count();
      if (count == 1 || count % LOG_EVERY == 0) {
        LOG.warn("Metrics could not observe entry {} ({} failures so far)", entry.index(), count,
            e);
      }
    }
  }

  /** What one entry changed, each txn at most once. */
  private static final class Tally {
    final Set<String> begun = new HashSet<>();
    final Set<String> decided = new HashSet<>();
    final Set<String> finished = new HashSet<>();
    final Set<String> ackedParticipants = new LinkedHashSet<>();
    boolean expiry;
  }

  private void observe(TccStateMachine.AppliedEntry entry) {
    Tally tally = new Tally();
    List<Command> commands = entry.commands();
    for (int i = 0; i < commands.size(); i++) {
      Command command = commands.get(i);
      CommandResult result = entry.results().get(i);
      commandCounter(command.kind(), result.outcome()).increment();
      if (result.outcome() != Outcome.OK) {
        continue;
      }
      switch (command.kind()) {
        case BEGIN -> begun(entry, result.txn(), tally);
        case DECIDE -> decided(entry, result.txn(), tally);
        case OPERATOR_RESOLVE -> resolved(entry, result.txn(), tally);
        case RECORD_ACKS -> ((Command.RecordAcks) command).acks()
            .forEach(ack -> tally.ackedParticipants.add(ack.participant()));
        case EXPIRE_DUE -> tally.expiry = true;
        default -> { }
      }
    }
    for (String participant : tally.ackedParticipants) {
      finishedByAcks(entry, participant, tally);
    }
    if (tally.expiry) {
      expired(entry, tally);
    }
  }

  private void begun(TccStateMachine.AppliedEntry entry, TxnView txn, Tally tally) {
    // A begin at an earlier cluster time is a retry; at this time, it may still be one (the same
    // millisecond, or the same entry), which the state before the entry tells.
    if (txn == null || txn.beganAtMs() != entry.clusterTimeMs()
        || tally.begun.contains(txn.xid()) || table.find(entry.before(), txn.xid()) != null) {
      return;
    }
    tally.begun.add(txn.xid());
    begun.increment();
  }

  private void decided(TccStateMachine.AppliedEntry entry, TxnView txn, Tally tally) {
    // An expired txn was not decided by this command: a cancel after an expiry in the same entry
    // answers OK with the expired txn.
    if (txn == null || txn.decision() == null || txn.expired()
        || txn.decidedAtMs() != entry.clusterTimeMs() || tally.decided.contains(txn.xid())) {
      return;
    }
    TxnView before = table.find(entry.before(), txn.xid());
    if (before != null && before.state() != TxnState.TRYING) {
      return;
    }
    tally.decided.add(txn.xid());
    (txn.decision() == Decision.CONFIRM ? confirmed : cancelled).increment();
    decisionLatency.get(txn.decision())
        .record(Math.max(0, txn.decidedAtMs() - txn.beganAtMs()), TimeUnit.MILLISECONDS);
  }

  private void resolved(TccStateMachine.AppliedEntry entry, TxnView txn, Tally tally) {
    if (txn == null || !txn.state().isFinal() || tally.finished.contains(txn.xid())) {
      return;
    }
    TxnView before = table.find(entry.before(), txn.xid());
    if (before == null || !before.state().isFinal()) {
      finished(entry, txn, tally);
    }
  }

  /**
   * Finds the txns whose last open branch this entry's acks closed: the calls between the
   * participant's watermark before and after the entry, still open before it. Acks cover calls
   * assigned by earlier entries (a participant acknowledges only calls it received), so those
   * calls are all in the state before the entry.
   */
  private void finishedByAcks(TccStateMachine.AppliedEntry entry, String participant,
      Tally tally) {
    long from = table.watermark(entry.before(), participant);
    long to = table.watermark(entry.after(), participant);
    int page = Math.min(ACK_PAGE_MAX, table.limits().pageEntriesMax());
    while (from < to) {
      List<Phase2Record> calls = table.pending(entry.before(), participant, from,
          (int) Math.min(page, to - from));
      if (calls.isEmpty()) {
        return;
      }
      for (Phase2Record call : calls) {
        if (call.seq() > to) {
          return;
        }
        from = call.seq();
        boolean wasOpen = call.state() == BranchState.PENDING
            || call.state() == BranchState.NEEDS_OPERATOR;
        if (wasOpen && !tally.finished.contains(call.xid())) {
          TxnView now = table.find(entry.after(), call.xid());
          if (now != null && now.state().isFinal()) {
            finished(entry, now, tally);
          }
        }
      }
    }
  }

  private void finished(TccStateMachine.AppliedEntry entry, TxnView txn, Tally tally) {
    tally.finished.add(txn.xid());
    if (txn.decidedAtMs() != TxnView.UNKNOWN_MS) {
      phase2Latency.get(txn.decision()).record(
          Math.max(0, entry.clusterTimeMs() - txn.decidedAtMs()), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Expiry cancels TRYING txns without naming them; whatever left TRYING in this entry and was
   * neither decided by its initiator nor begun in it was expired.
   */
  private void expired(TccStateMachine.AppliedEntry entry, Tally tally) {
    long left = table.activeTxns(entry.before()) + tally.begun.size() - tally.decided.size()
        - table.activeTxns(entry.after());
    if (left < 0) {
      throw new IllegalStateException("entry " + entry.index() + " has " + (-left)
          + " more TRYING txns than its begins and decisions explain");
    }
    expired.increment(left);
  }

  private Counter commandCounter(Command.Kind kind, Outcome outcome) {
    return commands.computeIfAbsent(kind, k -> new EnumMap<>(Outcome.class))
        .computeIfAbsent(outcome, o -> counter(COMMANDS, "TCC commands applied, by result",
            nodeTag.and("kind", kind.name().toLowerCase(Locale.ROOT), "outcome", o.name())));
  }

  private Counter counter(String name, String description, Tags tags) {
    Counter counter = Counter.builder(name).description(description).tags(tags)
        .register(registry);
    meters.add(counter);
    return counter;
  }

  private Timer timer(String name, String description, Tags tags) {
    Timer timer = Timer.builder(name).description(description).tags(tags)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(1))
        .register(registry);
    meters.add(timer);
    return timer;
  }

  static String tag(Decision decision) {
    return decision.name().toLowerCase(Locale.ROOT);
  }

  /** Removes this node's meters, so a node restarted in the same process starts from zero. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
