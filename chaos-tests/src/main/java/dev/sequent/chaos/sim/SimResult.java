package dev.sequent.chaos.sim;

import java.util.List;

/**
 * What one seed's run did.
 *
 * @param steps events run (one step each)
 * @param faults faults injected: network faults, crashes, elections, dead initiators, resource
 *     failures and poisoned branches
 * @param violations each with its seed, step and virtual time; empty on a passing run
 * @param virtualMs virtual time the run covered
 */
public record SimResult(
    long seed,
    long steps,
    long faults,
    long entries,
    int confirmed,
    int cancelled,
    long virtualMs,
    List<String> violations) {

  public SimResult {
    violations = List.copyOf(violations);
  }

  public boolean passed() {
    return violations.isEmpty();
  }
}
