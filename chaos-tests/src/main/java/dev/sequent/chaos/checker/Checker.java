package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a run: the workload's history and the final state collected after healing, against
 * every rule of {@link Check}. Pure and deterministic: the same evidence always gives the same
 * report, violations in {@link Check} order.
 *
 * <pre>{@code
 * CheckReport report = Checker.check(history, finalState, Recovery.within(850, 30_000));
 * Summary.of(seed, faultsByKind, report).write(Path.of("target/chaos/summary.json"));
 * assertTrue(report.ok(), report.describe());
 * }</pre>
 */
public final class Checker {
  private Checker() {}

  /** Runs every check. */
  public static CheckReport check(History history, FinalState state, Recovery recovery) {
    Evidence evidence = new Evidence(Objects.requireNonNull(history, "history"),
        Objects.requireNonNull(state, "state"), Objects.requireNonNull(recovery, "recovery"));
    List<Violation> violations = new ArrayList<>(AtomicityCheck.run(evidence));
    ConservationCheck.Result conservation = ConservationCheck.run(evidence);
    violations.addAll(conservation.violations());
    violations.addAll(AtMostOnceCheck.run(evidence));
    violations.addAll(OrderCheck.run(evidence));
    violations.addAll(LivenessCheck.run(evidence));
    return new CheckReport(violations, evidence.counts, conservation.reads(), recovery);
  }
}
