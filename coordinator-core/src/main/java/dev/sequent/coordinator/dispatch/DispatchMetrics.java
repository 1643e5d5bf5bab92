package dev.sequent.coordinator.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dispatcher's meters, per participant, tagged participant and node. One instance lives as
 * long as its dispatcher, across leadership terms, because a registry keeps the first gauge of a
 * name and tags: a second instance would register gauges that never report.
 *
 * <ul>
 *   <li>{@value #BACKLOG} (gauge): calls assigned and not acknowledged in the table, lastSeq -
 *       watermark.
 *   <li>{@value #CONFIRM_LAG_MS} (gauge): how long the oldest unacknowledged call has waited, as
 *       this leader saw it.
 *   <li>{@value #DOWN_MS} (gauge): how long the participant has had calls to receive and no
 *       connection.
 *   <li>{@value #NEEDS_OPERATOR} (gauge): calls held for an operator (0 or 1: only the head of a
 *       stream can be).
 *   <li>{@value #CALLS_SENT}, {@value #RETRIES} (counters): calls written, and those of them
 *       written again (after a failure, a gap or a reconnect).
 *   <li>{@value #RECONNECTS} (counter): connection attempts after a participant's first.
 * </ul>
 *
 * <p>Gauges are zeroed when the dispatcher stops: another node leads, and reports, then.
 */
final class DispatchMetrics {
  static final String BACKLOG = "sequent.dispatch.backlog";
  static final String CONFIRM_LAG_MS = "sequent.dispatch.confirm.lag.ms";
  static final String DOWN_MS = "sequent.dispatch.down.ms";
  static final String NEEDS_OPERATOR = "sequent.dispatch.needs.operator";
  static final String CALLS_SENT = "sequent.dispatch.calls.sent";
  static final String RETRIES = "sequent.dispatch.retries";
  static final String RECONNECTS = "sequent.dispatch.reconnects";

  private final MeterRegistry registry;
  private final String nodeId;
  private final Map<String, ParticipantMeters> byParticipant = new ConcurrentHashMap<>();

  DispatchMetrics(MeterRegistry registry, String nodeId) {
    this.registry = registry;
    this.nodeId = nodeId;
  }

  /** The meters of one participant, registered on first use. */
  ParticipantMeters of(String participant) {
    return byParticipant.computeIfAbsent(participant, p -> new ParticipantMeters(p));
  }

  /** Zeroes every gauge. */
  void clear() {
    byParticipant.values().forEach(ParticipantMeters::clear);
  }

  final class ParticipantMeters {
    final AtomicLong backlog = new AtomicLong();
    final AtomicLong confirmLagMs = new AtomicLong();
    final AtomicLong downMs = new AtomicLong();
    final AtomicLong needsOperator = new AtomicLong();
    final Counter callsSent;
    final Counter retries;
    final Counter reconnects;

    private ParticipantMeters(String participant) {
      Tags tags = Tags.of("participant", participant, "node", nodeId);
      gauge(BACKLOG, "Phase-2 calls not yet acknowledged", backlog, tags);
      gauge(CONFIRM_LAG_MS, "Age of the oldest unacknowledged phase-2 call", confirmLagMs, tags);
      gauge(DOWN_MS, "How long the participant has been unreachable with calls due", downMs,
          tags);
      gauge(NEEDS_OPERATOR, "Phase-2 calls held for an operator", needsOperator, tags);
      callsSent = counter(CALLS_SENT, "Phase-2 calls written", tags);
      retries = counter(RETRIES, "Phase-2 calls written again", tags);
      reconnects = counter(RECONNECTS, "Connection attempts after the first", tags);
    }

    private void gauge(String name, String description, AtomicLong value, Tags tags) {
      Gauge.builder(name, value, AtomicLong::get).description(description).tags(tags)
          .strongReference(true).register(registry);
    }

    private Counter counter(String name, String description, Tags tags) {
      return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private void clear() {
      backlog.set(0);
      confirmLagMs.set(0);
      downMs.set(0);
      needsOperator.set(0);
    }
  }
}
