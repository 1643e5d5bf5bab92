package dev.sequent.chaos.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs many seeds and sums them up in one line a person and a script can read: {@code
 * simulation: seeds=N steps=M faults=F violations=V}, V being the number of failing seeds.
 */
public final class Swarm {

  /** The outcome of a batch of seeds. */
  public record Summary(int seeds, long steps, long faults, long entries, long confirmed,
      long cancelled, List<SimResult> failures, long wallMs) {

    public Summary {
      failures = List.copyOf(failures);
    }

    /** The summary line. */
    public String line() {
      return "simulation: seeds=" + seeds + " steps=" + steps + " faults=" + faults
          + " violations=" + failures.size();
    }

    /** What the seeds did, beyond the summary line. */
    public String totals() {
      return "simulated: entries=" + entries + " confirmed=" + confirmed + " cancelled="
          + cancelled;
    }

    /** Seeds per minute of wall time, for the record. */
    public String rate() {
      double perMinute = wallMs == 0 ? 0 : seeds * 60_000.0 / wallMs;
      return String.format(Locale.ROOT, "%d seeds in %.1f s: %.0f seeds/minute", seeds,
          wallMs / 1000.0, perMinute);
    }
  }

  private Swarm() {}

  /** Runs seeds [firstSeed, firstSeed + seeds) with config. */
  public static Summary run(long firstSeed, int seeds, SimConfig config) {
    long started = System.nanoTime();
    long steps = 0;
    long faults = 0;
    long entries = 0;
    long confirmed = 0;
    long cancelled = 0;
    List<SimResult> failures = new ArrayList<>();
    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
      SimResult result = new Simulation(seed, config).run();
      steps += result.steps();
      faults += result.faults();
      entries += result.entries();
      confirmed += result.confirmed();
      cancelled += result.cancelled();
      if (!result.passed()) {
        failures.add(result);
      }
    }
    return new Summary(seeds, steps, faults, entries, confirmed, cancelled, failures, (System.nanoTime() - started) / 1_000_000);
  }
}
