package dev.sequent.chaos.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The violations of one run, each stamped with the step and virtual time it was found at. The
 * checks themselves sit where each fact changes (an entry applied, a resource called, a try run),
 * so a broken invariant is caught at the step that broke it; they record here instead of
 * throwing, because a resource's exception would be taken by the fence for a business failure.
 */
final class Invariants {

  private final long seed;
  private final Scheduler scheduler;
  private final List<String> violations = new ArrayList<>();

  Invariants(long seed, Scheduler scheduler) {
    this.seed = seed;
    this.scheduler = scheduler;
  }

  /** Records a violation unless ok. */
  void require(boolean ok, String invariant, String detail) {
    if (!ok) {
      violations.add("seed=" + seed + " step=" + scheduler.steps() + " t=" + scheduler.nowMs()
          + "ms (" + scheduler.current() + "): " + invariant + ": " + detail);
    }
  }

  boolean failed() {
    return !violations.isEmpty();
  }

  List<String> violations() {
    return List.copyOf(violations);
  }
}
