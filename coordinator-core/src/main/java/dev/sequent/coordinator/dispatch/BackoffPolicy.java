package dev.sequent.coordinator.dispatch;

/**
 * Exponential retry delays with a cap and "equal" jitter: retry n waits a uniform delay in
 * [ceiling/2, ceiling], where ceiling = min(maxMs, initialMs * 2^(n-1)). Half the ceiling is
 * certain, so a retry never comes at once; the other half is random, so participants that failed
 * together (one leader change, many streams) do not retry together.
 */
final class BackoffPolicy {

  private final long initialMs;
  private final long maxMs;

  BackoffPolicy(long initialMs, long maxMs) {
    if (initialMs < 1 || maxMs < initialMs) {
      throw new IllegalArgumentException(
          "backoff needs 1 <= initialMs <= maxMs: " + initialMs + ", " + maxMs);
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
  }

  /** The largest delay before retry n (n counts from 1). */
  long ceilingMs(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retries count from 1, was " + retry);
    }
    // Past 2^40 the ceiling is far above any sane cap: stop doubling before it overflows.
    long ceiling = initialMs << Math.min(retry - 1, 40);
    return ceiling <= 0 || ceiling > maxMs ? maxMs : ceiling;
  }

  /** The delay before retry n, jittered with jitter. */
  long delayMs(int retry, JitterSource jitter) {
    long ceiling = ceilingMs(retry);
    long half = ceiling / 2;
    long jittered = jitter.nextLong(ceiling - half + 1);
    if (jittered < 0 || jittered > ceiling - half) {
      throw new IllegalStateException("jitter source out of range: " + jittered);
    }
    return half + jittered;
  }
}
