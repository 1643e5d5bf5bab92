package dev.sequent.client;

import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.wire.WireFormat;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The client's limits and timings, validated once when the client is built.
 *
 * @param seeds addresses of cluster nodes to start from (any node; the leader is found from them)
 * @param requestTimeoutMs how long one attempt (connect, send, answer) may take
 * @param operationTimeoutMs how long a whole call may take, retries and backoff included
 * @param redirectsMax how many leader hints one call follows before it stops trusting them
 * @param backoffInitialMs ceiling of the first retry delay
 * @param backoffMaxMs ceiling of every retry delay
 * @param jitter how delays are spread below their ceiling
 * @param frameBytesMax the largest frame length sent or accepted
 * @param ioThreads event-loop threads
 * @param tryAttemptsMax attempts of one try sent to a participant endpoint, the first included
 * @param participantEndpoints where each participant's endpoint listens, for {@link TccTransaction}
 * @param tls TLS on every connection (to nodes and to participant endpoints), or null for plaintext
 */
record ClientConfig(List<InetSocketAddress> seeds, long requestTimeoutMs, long operationTimeoutMs,
    int redirectsMax, long backoffInitialMs, long backoffMaxMs, RetryJitter jitter,
    int frameBytesMax, int ioThreads, int tryAttemptsMax,
    Map<String, InetSocketAddress> participantEndpoints, ClientTls tls) {

  static final int SEEDS_MAX = 64;
  static final long TIMEOUT_MS_MAX = 24L * 60 * 60 * 1000;
  static final int REDIRECTS_MAX_LIMIT = 64;
  static final long BACKOFF_MS_MAX = 10 * 60 * 1000;
  static final int IO_THREADS_MAX = 64;
  static final int TRY_ATTEMPTS_MAX_LIMIT = 100;
  static final int PARTICIPANT_ENDPOINTS_MAX = 10_000;

  ClientConfig {
    Objects.requireNonNull(seeds, "seeds");
    seeds = List.copyOf(seeds);
    check(!seeds.isEmpty() && seeds.size() <= SEEDS_MAX,
        "seeds: between 1 and " + SEEDS_MAX + " node addresses, got " + seeds.size());
    checkRange("requestTimeoutMs", requestTimeoutMs, 1, TIMEOUT_MS_MAX);
    checkRange("operationTimeoutMs", operationTimeoutMs, 1, TIMEOUT_MS_MAX);
    checkRange("redirectsMax", redirectsMax, 0, REDIRECTS_MAX_LIMIT);
    checkRange("backoffMaxMs", backoffMaxMs, 1, BACKOFF_MS_MAX);
    checkRange("backoffInitialMs", backoffInitialMs, 1, backoffMaxMs);
    Objects.requireNonNull(jitter, "jitter");
    WireFormat.checkFrameBytesMax(frameBytesMax);
    checkRange("ioThreads", ioThreads, 1, IO_THREADS_MAX);
    checkRange("tryAttemptsMax", tryAttemptsMax, 1, TRY_ATTEMPTS_MAX_LIMIT);
    Objects.requireNonNull(participantEndpoints, "participantEndpoints");
    participantEndpoints = Map.copyOf(participantEndpoints);
    check(participantEndpoints.size() <= PARTICIPANT_ENDPOINTS_MAX,
        "participantEndpoints: at most " + PARTICIPANT_ENDPOINTS_MAX + ", got "
            + participantEndpoints.size());
  }

  private static void checkRange(String name, long value, long min, long max) {
    check(value >= min && value <= max,
        name + " must be in [" + min + ", " + max + "], was " + value);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
