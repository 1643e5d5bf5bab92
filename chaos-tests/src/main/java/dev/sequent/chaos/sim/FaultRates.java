package dev.sequent.chaos.sim;

import java.util.SplittableRandom;

/**
 * How often each fault happens while faults are on. Rates are per mille of the chances each
 * fault gets: per message for the network, per fault tick for crashes and elections, per call for
 * the participants' resources.
 *
 * @param lossPerMille a message vanishes
 * @param duplicatePerMille a message arrives twice
 * @param reorderPerMille a message on a connection ignores FIFO order (datagrams always may)
 * @param slowPerMille a message is delayed up to slowMaxMs instead of a few ms
 * @param slowMaxMs the longest delay of a slow message
 * @param resetPerMille a connection breaks when a message crosses it (both sides lose it)
 * @param crashPerMille a participant crashes, at each fault tick
 * @param electionPerMille the log elects a new leader, at each fault tick
 * @param initiatorCrashPerMille an initiator dies at one of its steps and never decides
 * @param resourceFailPerMille a participant's resource throws in try, confirm or cancel
 * @param poisonPerMille a branch's resource fails every phase-2 call until an operator settles it
 */
public record FaultRates(
    int lossPerMille,
    int duplicatePerMille,
    int reorderPerMille,
    int slowPerMille,
    long slowMaxMs,
    int resetPerMille,
    int crashPerMille,
    int electionPerMille,
    int initiatorCrashPerMille,
    int resourceFailPerMille,
    int poisonPerMille) {

  /** Every kind of fault at a moderate rate: the fixed mix when swarm mode is off. */
  public static final FaultRates DEFAULT = new FaultRates(20, 20, 20, 10, 2_000, 5, 20, 15, 30,
      30, 20);

  /** No faults at all. */
  public static final FaultRates NONE = new FaultRates(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0);

  /**
   * Swarm testing: each kind of fault is on or off by a coin toss, and at a random rate when on,
   * so that some seeds explore rare combinations (no loss but many elections, say) that a fixed
   * mix would dilute.
   */
  public static FaultRates swarm(SplittableRandom random) {
    return new FaultRates(
        pick(random, 80), pick(random, 80), pick(random, 100), pick(random, 40),
        100 + random.nextLong(3_000), pick(random, 20), pick(random, 60), pick(random, 50),
        pick(random, 100), pick(random, 150), pick(random, 60));
  }

  private static int pick(SplittableRandom random, int maxPerMille) {
    return random.nextBoolean() ? 0 : 1 + random.nextInt(maxPerMille);
  }

  /** True with probability perMille / 1000. */
  static boolean roll(SplittableRandom random, int perMille) {
    return perMille > 0 && random.nextInt(1_000) < perMille;
  }
}
