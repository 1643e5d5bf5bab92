package dev.sequent.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void ceilingsDoubleUpToTheCapWithoutOverflow() {
    Backoff backoff = new Backoff(10, 1_000, RetryJitter.NONE);
    assertEquals(10, backoff.ceilingMs(1));
    assertEquals(20, backoff.ceilingMs(2));
    assertEquals(640, backoff.ceilingMs(7));
    assertEquals(1_000, backoff.ceilingMs(8));
    assertEquals(1_000, backoff.ceilingMs(Integer.MAX_VALUE));
  }

  @Test
  void fullJitterStaysInZeroToCeilingAndEqualJitterInTheUpperHalf() {
    long seed = Long.getLong("seed", System.nanoTime());
    Random random = new Random(seed);
    Backoff full = new Backoff(10, 10_000, RetryJitter.FULL);
    Backoff equal = new Backoff(10, 10_000, RetryJitter.EQUAL);
    for (int i = 0; i < 10_000; i++) {
      int retry = 1 + random.nextInt(20);
      long ceiling = full.ceilingMs(retry);
      long fullDelay = full.delayMs(retry, random);
      long equalDelay = equal.delayMs(retry, random);
      assertTrue(fullDelay >= 0 && fullDelay <= ceiling, "full " + fullDelay + ", seed " + seed);
      assertTrue(equalDelay >= ceiling / 2 && equalDelay <= ceiling,
          "equal " + equalDelay + ", seed " + seed);
    }
  }
}
