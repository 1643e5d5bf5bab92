package dev.sequent.coordinator.config;

/** One node of the cluster: its id, host, Raft port and client (ingress) port. */
public record Peer(String id, String host, int raftPort, int clientPort) {

  /** Parses {@code id=host:raftPort:clientPort}. */
  static Peer parse(String spec) {
    String[] idAndRest = spec.trim().split("=", 2);
    if (idAndRest.length != 2 || idAndRest[0].isBlank()) {
      throw new ConfigException("peer '" + spec + "' is not id=host:raftPort:clientPort");
    }
    String[] parts = idAndRest[1].split(":");
    if (parts.length != 3 || parts[0].isBlank()) {
      throw new ConfigException("peer '" + spec + "' is not id=host:raftPort:clientPort");
    }
    return new Peer(idAndRest[0].trim(), parts[0].trim(), port(spec, parts[1]),
        port(spec, parts[2]));
  }

  private static int port(String spec, String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port < 1 || port > 65535) {
        throw new ConfigException("peer '" + spec + "': port " + port + " is out of 1..65535");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new ConfigException("peer '" + spec + "': '" + text + "' is not a port number");
    }
  }

  public String raftAddress() {
    return host + ":" + raftPort;
  }
}
