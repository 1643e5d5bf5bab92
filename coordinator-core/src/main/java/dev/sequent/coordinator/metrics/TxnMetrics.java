package dev.sequent.coordinator.metrics;

import dev.sequent.coordinator.raft.TccStateMachine;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.TxnChange;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to txns, as this node applies the log: counted once per txn, on the entry that
 * changed it, never on an idempotent retry, a replay or a refused command. See docs/metrics.md.
 *
 * <p>How "once" is known: the table reports each lifecycle step ({@link TxnChange}) at the
 * moment it makes it, and a retry or a repeat makes none. Earlier this class compared the state
 * before and after each entry by reading the txns it named back from the store; that was a fifth
 * of every node's apply time under load, for facts the applier already had in hand.
 *
 * <p>Latencies use the cluster times in the records (leader-stamped, monotonic), so every node
 * measures the same interval: decision latency is decision time - begin time; phase-2 latency is
 * the cluster time of the entry that made the txn final - its decision time (txns with at least
 * one branch; a txn decided by a version that did not record its decision time is skipped).
 *
 * <p>Runs on the apply thread only and reads nothing; not thread-safe.
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

  /** After the first failure, log one in this many (the counter counts all). */
  private static final long LOG_EVERY = 1_000;

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

  public TxnMetrics(MeterRegistry registry, String nodeId) {
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

  private void observe(TccStateMachine.AppliedEntry entry) {
    List<Command> commands = entry.commands();
    for (int i = 0; i < commands.size(); i++) {
      commandCounter(commands.get(i).kind(), entry.results().get(i).outcome()).increment();
    }
    for (TxnChange change : entry.changes()) {
      switch (change.kind()) {
        case BEGUN -> begun.increment();
        case DECIDED -> {
          (change.decision() == Decision.CONFIRM ? confirmed : cancelled).increment();
          decisionLatency.get(change.decision()).record(
              Math.max(0, change.decidedAtMs() - change.beganAtMs()), TimeUnit.MILLISECONDS);
        }
        case EXPIRED -> expired.increment();
        case FINISHED -> {
          if (change.decidedAtMs() != TxnView.UNKNOWN_MS) {
            phase2Latency.get(change.decision()).record(
                Math.max(0, entry.clusterTimeMs() - change.decidedAtMs()),
                TimeUnit.MILLISECONDS);
          }
        }
      }
    }
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
