package dev.sequent.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Retry delays double up to their cap, and jitter stays within [ceiling/2, ceiling]. */
class BackoffPolicyTest {

  @Test
  void ceilingsDoubleFromTheInitialDelayUpToTheCapWithoutOverflow() {
    BackoffPolicy backoff = new BackoffPolicy(50, 5_000);

    assertEquals(50, backoff.ceilingMs(1));
    assertEquals(100, backoff.ceilingMs(2));
    assertEquals(3_200, backoff.ceilingMs(7));
    assertEquals(5_000, backoff.ceilingMs(8));
    assertEquals(5_000, backoff.ceilingMs(Integer.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> backoff.ceilingMs(0));
    assertThrows(IllegalArgumentException.class, () -> new BackoffPolicy(0, 5));
    assertThrows(IllegalArgumentException.class, () -> new BackoffPolicy(10, 5));
  }

  /** Seeded: a failure prints the seed, and {@code -Dseed=N} replays it. */
  @Test
  void jitteredDelaysStayBetweenHalfTheCeilingAndTheCeiling() {
    long seed = seed();
    SplittableRandom random = new SplittableRandom(seed);
    BackoffPolicy backoff = new BackoffPolicy(3, 1_000);
    for (int i = 0; i < 10_000; i++) {
      int retry = 1 + random.nextInt(20);
      long delay = backoff.delayMs(retry, random::nextLong);
      long ceiling = backoff.ceilingMs(retry);
      assertTrue(delay >= ceiling / 2 && delay <= ceiling,
          "-Dseed=" + seed + ": retry " + retry + " waited " + delay + " of " + ceiling);
    }
    assertEquals(500, backoff.delayMs(20, bound -> 0));
    assertEquals(1_000, backoff.delayMs(20, bound -> bound - 1));
    assertThrows(IllegalStateException.class, () -> backoff.delayMs(1, bound -> bound));
  }

  @Test
  void settingsAreValidatedOnce() {
    assertThrows(IllegalArgumentException.class, () -> DispatcherSettings.DEFAULTS
        .withInflightMax(0));
    assertThrows(IllegalArgumentException.class, () -> DispatcherSettings.DEFAULTS
        .withBackoffMs(100, 99));
    assertThrows(IllegalArgumentException.class, () -> DispatcherSettings.DEFAULTS
        .withAttemptsMax(0));
    assertThrows(IllegalArgumentException.class, () -> DispatcherSettings.DEFAULTS
        .withTimeoutsMs(0, 1));
    assertEquals(64, DispatcherSettings.DEFAULTS.inflightMax());
  }

  static long seed() {
    String given = System.getProperty("seed");
    long seed = given == null || given.isBlank() ? new SplittableRandom().nextLong()
        : Long.parseLong(given);
    System.out.println("seed: -Dseed=" + seed);
    return seed;
  }
}
