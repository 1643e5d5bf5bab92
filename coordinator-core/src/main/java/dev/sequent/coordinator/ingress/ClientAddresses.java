package dev.sequent.coordinator.ingress;

import dev.sequent.coordinator.config.Peer;
import dev.sequent.coordinator.raft.RaftNode;
import dev.sequent.protocol.proto.NodeAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Where clients reach each node's client port. A member that joined through a membership change
 * carries its client address in the Raft configuration, which every node replicates; the founding
 * members are known from this node's own configuration. The Raft configuration wins, being newer.
 */
final class ClientAddresses {
  private final RaftNode raft;
  private final Map<String, Peer> peers;

  ClientAddresses(RaftNode raft, Map<String, Peer> peers) {
    this.raft = raft;
    this.peers = peers;
  }

  /** The client address of node {@code id}, when this node knows it. */
  Optional<NodeAddress> of(String id) {
    Optional<NodeAddress> recorded = raft.membership().member(id)
        .map(RaftNode.Member::clientAddress)
        .flatMap(address -> parse(id, address));
    if (recorded.isPresent()) {
      return recorded;
    }
    return Optional.ofNullable(peers.get(id)).map(peer -> NodeAddress.newBuilder()
        .setNodeId(peer.id())
        .setHost(peer.host())
        .setPort(peer.clientPort())
        .build());
  }

  /** {@code host:port} (the host may itself hold colons, as an IPv6 literal does). */
  static Optional<NodeAddress> parse(String id, String address) {
    if (address == null) {
      return Optional.empty();
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      if (port < 1 || port > 65_535) {
        return Optional.empty();
      }
      return Optional.of(NodeAddress.newBuilder()
          .setNodeId(id)
          .setHost(address.substring(0, colon))
          .setPort(port)
          .build());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
