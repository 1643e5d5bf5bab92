package dev.sequent.chaos.sim;

import java.util.SplittableRandom;

/**
 * The simulated network: datagrams (initiator to log, initiator to participant, and back) and
 * connections (a leader's pinned connection to a participant). While faults are on, any message
 * may be lost, duplicated, delayed for long or, on a connection, overtake the ones before it; a
 * connection may break under a message. With faults off, messages arrive once, in order, within
 * a few milliseconds.
 */
final class SimNetwork {
  /** The usual one-way delay is 1 to this many ms. */
  static final long DELAY_MAX_MS = 5;

  private final Scheduler scheduler;
  private final SplittableRandom random;
  private final FaultRates rates;
  private boolean faulty = true;
  private long faults;

  SimNetwork(Scheduler scheduler, SplittableRandom random, FaultRates rates) {
    this.scheduler = scheduler;
    this.random = random;
    this.rates = rates;
  }

  /** Turns network faults on or off (off for the liveness phase). */
  void faulty(boolean on) {
    faulty = on;
  }

  boolean faulty() {
    return faulty;
  }

  /** Faults the network injected so far. */
  long faults() {
    return faults;
  }

  /** One roll of a network fault; counted when it hits. */
  boolean fault(int perMille) {
    if (faulty && FaultRates.roll(random, perMille)) {
      faults++;
      return true;
    }
    return false;
  }

  /** A one-way delay, long now and then while faults are on. */
  long delayMs() {
    if (fault(rates.slowPerMille())) {
      return 1 + random.nextLong(rates.slowMaxMs());
    }
    return 1 + random.nextLong(DELAY_MAX_MS);
  }

  /** Sends a datagram: delivered after a delay, possibly lost, possibly twice. */
  void datagram(String what, Runnable deliver) {
    if (fault(rates.lossPerMille())) {
      return;
    }
    scheduler.after(delayMs(), what, deliver);
    if (fault(rates.duplicatePerMille())) {
      scheduler.after(delayMs(), what + " (duplicate)", deliver);
    }
  }

  /**
   * One direction of a connection: FIFO unless a reorder fault lets a message overtake. A message
   * that is lost (or whose crossing breaks the connection) is not delivered; {@code onReset} runs
   * when it breaks.
   */
  final class Pipe {
    private long lastDeliveryMs;

    /** Sends one message; deliver runs at arrival, if the message survives. */
    void send(String what, Runnable deliver, Runnable onReset) {
      if (fault(rates.resetPerMille())) {
        onReset.run();
        return;
      }
      if (fault(rates.lossPerMille())) {
        return;
      }
      schedule(what, deliver);
      if (fault(rates.duplicatePerMille())) {
        schedule(what + " (duplicate)", deliver);
      }
    }

    private void schedule(String what, Runnable deliver) {
      long atMs = scheduler.nowMs() + delayMs();
      if (!fault(rates.reorderPerMille())) {
        atMs = Math.max(atMs, lastDeliveryMs);
        lastDeliveryMs = atMs;
      }
      scheduler.after(atMs - scheduler.nowMs(), what, deliver);
    }
  }
}
