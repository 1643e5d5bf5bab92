package dev.sequent.coordinator.table;

import java.util.Objects;

/**
 * Where a participant's phase-2 calls go, as its endpoint last announced it (see {@link
 * Command.AnnounceEndpoint}).
 *
 * @param host a host name or an address literal: 1 to {@link #HOST_BYTES_MAX} printable ASCII
 *     characters without spaces
 * @param port in [1, 65535]
 */
public record Endpoint(String host, int port) {

  /** The longest host accepted: the longest DNS name (253) fits, and so does any IP literal. */
  public static final int HOST_BYTES_MAX = 253;

  /** @throws IllegalArgumentException when host or port is out of range (see {@link #problem}) */
  public Endpoint {
    Objects.requireNonNull(host, "host");
    String problem = problem(host, port);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Null when host and port make a valid endpoint, otherwise why not. */
  static String problem(String host, int port) {
    String hostProblem = Ids.problem("host", host, HOST_BYTES_MAX);
    if (hostProblem != null) {
      return hostProblem;
    }
    if (port < 1 || port > 65_535) {
      return "port must be in [1, 65535], was " + port;
    }
    return null;
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
