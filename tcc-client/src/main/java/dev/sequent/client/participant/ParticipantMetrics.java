package dev.sequent.client.participant;

import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One hosted participant's meters, in the registry the service passed to its endpoint (none by
 * default). Stable names, tagged {@code participant}:
 *
 * <ul>
 *   <li>{@code sequent.participant.tries} (timer, tag {@code outcome}): tries answered, and how long
 *       the fenced try took;
 *   <li>{@code sequent.participant.phase2.calls} (timer, tag {@code outcome}): phase-2 calls
 *       answered (OK includes duplicates; SEQ_GAP, STALE_TERM and PHASE2_FAILED are refusals), and
 *       how long each took on the participant's phase-2 thread;
 *   <li>{@code sequent.participant.applied.seq} (gauge): the highest seq applied, as the last
 *       ack said;
 *   <li>{@code sequent.participant.phase2.queue} (gauge): calls waiting for the phase-2 thread.
 * </ul>
 */
final class ParticipantMetrics {
  private final MeterRegistry registry;
  private final String participant;
  private final AtomicLong appliedSeq = new AtomicLong();

  ParticipantMetrics(MeterRegistry registry, String participant, Supplier<Number> queueSize) {
    this.registry = registry == null ? new CompositeMeterRegistry() : registry;
    this.participant = participant;
    Gauge.builder("sequent.participant.applied.seq", appliedSeq, AtomicLong::get)
        .description("Highest phase-2 seq this participant applied, as its last ack said")
        .tag("participant", participant)
        .register(this.registry);
    Gauge.builder("sequent.participant.phase2.queue", queueSize, s -> s.get().doubleValue())
        .description("Phase-2 calls waiting for the participant's phase-2 thread")
        .tag("participant", participant)
        .strongReference(true) // the supplier is a lambda nothing else holds
        .register(this.registry);
  }

  void tried(Outcome outcome, long startNs) {
    timer("sequent.participant.tries", "Tries answered by this participant", outcome)
        .record(System.nanoTime() - startNs, TimeUnit.NANOSECONDS);
  }

  void phase2(Phase2Ack ack, long startNs) {
    timer("sequent.participant.phase2.calls", "Phase-2 calls answered by this participant",
        Outcome.fromCode(ack.getOutcome()))
        .record(System.nanoTime() - startNs, TimeUnit.NANOSECONDS);
    appliedSeq.accumulateAndGet(ack.getAppliedSeq(), Math::max);
  }

  private Timer timer(String name, String description, Outcome outcome) {
    return Timer.builder(name)
        .description(description)
        .tag("participant", participant)
        .tag("outcome", outcome.name())
        .register(registry);
  }
}
