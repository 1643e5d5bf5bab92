package dev.sequent.client;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The nodes this client knows (the seeds, then addresses learned from leader hints) and its guess
 * of the leader. Shared by all calls; thread-safe.
 *
 * <p>Addresses are kept unresolved ({@code host:port} as given), so a seed and a hint naming the
 * same host and port are one node with one connection, and names are resolved at connect time,
 * off the event loop.
 */
final class NodeDirectory {
  /** Learned addresses beyond the seeds. A sane cluster has three nodes; this bounds a liar. */
  static final int LEARNED_MAX = 16;

  private final int seedCount;
  private final CopyOnWriteArrayList<InetSocketAddress> nodes = new CopyOnWriteArrayList<>();
  private final AtomicReference<InetSocketAddress> leader;

  NodeDirectory(List<InetSocketAddress> seeds) {
    for (InetSocketAddress seed : seeds) {
      nodes.addIfAbsent(normalize(seed));
    }
    seedCount = nodes.size();
    leader = new AtomicReference<>(nodes.get(0));
  }

  /** The node calls start at: the last node that answered as leader, or the best guess. */
  InetSocketAddress leader() {
    return leader.get();
  }

  /** This node answered a transactional request, so it is (or very recently was) the leader. */
  void leaderIs(InetSocketAddress node) {
    leader.set(node);
  }

  /**
   * The node a leader hint names, added to the known nodes if new; null when it is new and the
   * directory is full.
   */
  synchronized InetSocketAddress learn(String host, int port) {
    InetSocketAddress node = InetSocketAddress.createUnresolved(host, port);
    if (nodes.contains(node)) {
      return node;
    }
    if (nodes.size() >= seedCount + LEARNED_MAX) {
      return null;
    }
    nodes.add(node);
    return node;
  }

  /**
   * The node after {@code failed}, round-robin over the known nodes; also moves the leader guess
   * off {@code failed} unless another call already moved it.
   */
  InetSocketAddress after(InetSocketAddress failed) {
    List<InetSocketAddress> snapshot = nodes;
    int index = snapshot.indexOf(failed);
    InetSocketAddress next = snapshot.get((index + 1) % snapshot.size());
    leader.compareAndSet(failed, next);
    return next;
  }

  /** The known nodes, seeds first. */
  List<InetSocketAddress> nodes() {
    return List.copyOf(nodes);
  }

  static InetSocketAddress normalize(InetSocketAddress address) {
    return InetSocketAddress.createUnresolved(address.getHostString(), address.getPort());
  }

  /** {@code host:port}, without Java's "/<unresolved>" decoration. */
  static String describe(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }
}
