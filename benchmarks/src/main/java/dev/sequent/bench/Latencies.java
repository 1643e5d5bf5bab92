package dev.sequent.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency samples in microseconds, kept whole (a run records at most a few million) so the
 * percentiles are exact, not bucketed. Thread-safe appends.
 */
final class Latencies {
  private long[] samples = new long[1 << 14];
  private int size;

  synchronized void add(long micros) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = micros;
  }

  synchronized int count() {
    return size;
  }

  /** p50, p90, p99, p999 and max, in milliseconds with three decimals. */
  synchronized Map<String, Object> summaryMs() {
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("p50", ms(percentile(sorted, 0.50)));
    summary.put("p90", ms(percentile(sorted, 0.90)));
    summary.put("p99", ms(percentile(sorted, 0.99)));
    summary.put("p999", ms(percentile(sorted, 0.999)));
    summary.put("max", ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
    summary.put("count", (long) sorted.length);
    return summary;
  }

  double percentileMs(double quantile) {
    long[] sorted;
    synchronized (this) {
      sorted = Arrays.copyOf(samples, size);
    }
    Arrays.sort(sorted);
    return ms(percentile(sorted, quantile));
  }

  /** Nearest-rank percentile: the smallest sample with at least that share at or below it. */
  private static long percentile(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(quantile * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(long micros) {
    return Math.round(micros) / 1000.0;
  }
}
