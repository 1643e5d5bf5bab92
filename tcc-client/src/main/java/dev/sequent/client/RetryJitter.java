package dev.sequent.client;

/**
 * How the client spreads its retry delays, so that many clients that failed together do not retry
 * together. The ceiling of retry {@code n} is
 * {@code min(backoffMaxMs, backoffInitialMs * 2^(n-1))}.
 */
public enum RetryJitter {
  /** Exactly the ceiling: predictable, and synchronized across clients. */
  NONE,
  /** Uniform in {@code [0, ceiling]}: the widest spread (the default). */
  FULL,
  /** Uniform in {@code [ceiling/2, ceiling]}: never retries almost at once. */
  EQUAL
}
