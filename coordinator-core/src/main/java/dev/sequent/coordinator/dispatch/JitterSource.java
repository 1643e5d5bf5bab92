package dev.sequent.coordinator.dispatch;

/**
 * Where retry jitter comes from: injected, so the stream logic stays deterministic under a seeded
 * source (a simulator, a test) and reads no randomness of its own. {@code
 * new SplittableRandom(seed)::nextLong} is one.
 */
@FunctionalInterface
public interface JitterSource {

  /** A value uniformly drawn from [0, boundExclusive); boundExclusive is at least 1. */
  long nextLong(long boundExclusive);
}
