package dev.sequent.client;

import java.util.random.RandomGenerator;

/** Exponential retry delays with a cap and jitter. */
final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private final RetryJitter jitter;

  Backoff(long initialMs, long maxMs, RetryJitter jitter) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.jitter = jitter;
  }

  /** The ceiling of the delay before retry {@code retry} (1 for the first retry). */
  long ceilingMs(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry counts from 1, was " + retry);
    }
    // Past 2^40 the ceiling is far above any sane maximum: stop doubling before it overflows.
    int doublings = Math.min(retry - 1, 40);
    long ceiling = initialMs << doublings;
    return ceiling <= 0 || ceiling > maxMs ? maxMs : ceiling;
  }

  /** The delay before retry {@code retry}, jittered with {@code random}. */
  long delayMs(int retry, RandomGenerator random) {
    long ceiling = ceilingMs(retry);
    switch (jitter) {
      case NONE:
        return ceiling;
      case FULL:
        return random.nextLong(ceiling + 1);
      case EQUAL:
        long half = ceiling / 2;
        return half + random.nextLong(ceiling - half + 1);
      default:
        throw new AssertionError("unknown jitter " + jitter);
    }
  }
}
