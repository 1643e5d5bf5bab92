package dev.sequent.chaos.sim;

/**
 * What one simulated run does, apart from its seed.
 *
 * @param swarm draw the fault rates from the seed ({@link FaultRates#swarm}) instead of rates
 * @param rates the fault rates when not in swarm mode
 * @param bug the bug to plant, or {@link PlantedBug#NONE}
 * @param transfers bank transfers started during the fault phase
 * @param faultPhaseMs virtual time with faults on; then faults stop and liveness is checked
 * @param livenessBoundMs every txn must be final within this much virtual time after faults stop
 */
public record SimConfig(
    boolean swarm,
    FaultRates rates,
    PlantedBug bug,
    int transfers,
    long faultPhaseMs,
    long livenessBoundMs) {

  /** The CI mix: swarm mode, no planted bug, 24 transfers over 3 s, 60 s to finish. */
  public static final SimConfig DEFAULT =
      new SimConfig(true, FaultRates.DEFAULT, PlantedBug.NONE, 24, 3_000, 60_000);

  public SimConfig {
    if (transfers < 1 || faultPhaseMs < 100 || livenessBoundMs < 1_000) {
      throw new IllegalArgumentException("a run needs transfers >= 1, faultPhaseMs >= 100 and "
          + "livenessBoundMs >= 1000: " + transfers + ", " + faultPhaseMs + ", "
          + livenessBoundMs);
    }
  }

  /** This config with a planted bug. */
  public SimConfig withBug(PlantedBug planted) {
    return new SimConfig(swarm, rates, planted, transfers, faultPhaseMs, livenessBoundMs);
  }
}
