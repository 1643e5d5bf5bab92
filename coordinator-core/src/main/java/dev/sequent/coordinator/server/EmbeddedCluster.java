package dev.sequent.coordinator.server;

import dev.sequent.coordinator.config.NodeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several coordinator nodes in one JVM on 127.0.0.1, each with its own data directory: the demo's
 * cluster and the integration tests' cluster. Nodes can be stopped and restarted from their data
 * directories. A node whose state can no longer be trusted is closed and its error kept (in a
 * process of its own it would halt).
 */
public final class EmbeddedCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);

  private final Map<String, NodeConfig> configs = new LinkedHashMap<>();
  private final Map<String, CoordinatorNode> running = new ConcurrentHashMap<>();
  private final Map<String, Throwable> fatalErrors = new ConcurrentHashMap<>();
  private final MeterRegistry metrics;

  /**
   * @param size number of nodes (ids n1, n2, ...)
   * @param baseDir parent of the nodes' data directories
   * @param overrides extra config settings for every node (timeouts, snapshot thresholds, ...)
   * @param metrics where every node's meters go (tagged with the node's id), for tests to read
   * @param metricsEndpoints whether each node serves /metrics and /health on a free port of its
   *     own (see {@link CoordinatorNode#metricsAddress()})
   */
  public EmbeddedCluster(int size, Path baseDir, Map<String, String> overrides,
      MeterRegistry metrics, boolean metricsEndpoints) {
    this(size, baseDir, overrides, Map.of(), metrics, metricsEndpoints);
  }

  /**
   * A cluster whose nodes differ in some settings (each node's TLS certificate, for example).
   *
   * @param nodeOverrides by node id (n1, n2, ...): settings applied after {@code overrides}
   */
  public EmbeddedCluster(int size, Path baseDir, Map<String, String> overrides,
      Map<String, Map<String, String>> nodeOverrides, MeterRegistry metrics,
      boolean metricsEndpoints) {
    this.metrics = metrics;
    List<String> peers = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      peers.add("n" + i + "=127.0.0.1:" + freePort() + ":" + freePort());
    }
    String peerList = String.join(",", peers);
    for (int i = 1; i <= size; i++) {
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("cluster.peers", peerList);
      settings.put("node.id", "n" + i);
      settings.put("node.dataDir", baseDir.resolve("n" + i).toString());
      if (metricsEndpoints) {
        settings.put("metrics.port", String.valueOf(freePort()));
      }
      settings.putAll(overrides);
      settings.putAll(nodeOverrides.getOrDefault("n" + i, Map.of()));
      configs.put("n" + i, NodeConfig.of(settings));
    }
  }

  /** A cluster whose nodes' meters go to metrics, without metrics endpoints. */
  public EmbeddedCluster(int size, Path baseDir, Map<String, String> overrides,
      MeterRegistry metrics) {
    this(size, baseDir, overrides, metrics, false);
  }

  public EmbeddedCluster(int size, Path baseDir, Map<String, String> overrides) {
    this(size, baseDir, overrides, new SimpleMeterRegistry());
  }

  /** The registry every node's meters go to. */
  public MeterRegistry metrics() {
    return metrics;
  }

  /** Starts every node that is not running. */
  public EmbeddedCluster start() {
    configs.keySet().forEach(id -> {
      if (!running.containsKey(id)) {
        start(id);
      }
    });
    return this;
  }

  /** Starts (or restarts, from its data directory) one node. */
  public CoordinatorNode start(String id) {
    NodeConfig config = configs.get(id);
    if (config == null) {
      throw new IllegalArgumentException("no node " + id);
    }
    try {
      CoordinatorNode node = CoordinatorNode.start(config, metrics, (what, cause) -> {
        LOG.error("FATAL on node {}: {}", id, what, cause);
        fatalErrors.put(id, cause == null ? new IllegalStateException(what) : cause);
        // Close from another thread: the handler may run on a Ratis thread the close waits for.
        Thread closer = new Thread(() -> stop(id), "sequent-fatal-close-" + id);
        closer.setDaemon(true);
        closer.start();
      });
      running.put(id, node);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + id, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting node " + id, e);
    }
  }

  /** Stops one node, as a crash of its process would (its data directory stays). */
  public void stop(String id) {
    CoordinatorNode node = running.remove(id);
    if (node != null) {
      node.close();
    }
  }

  public Optional<CoordinatorNode> node(String id) {
    return Optional.ofNullable(running.get(id));
  }

  public List<String> ids() {
    return List.copyOf(configs.keySet());
  }

  public List<CoordinatorNode> runningNodes() {
    return configs.keySet().stream().map(running::get).filter(n -> n != null).toList();
  }

  /** The client addresses of every node, running or not (clients are given the whole list). */
  public List<InetSocketAddress> clientAddresses() {
    return configs.values().stream()
        .map(c -> new InetSocketAddress(c.self().host(), c.self().clientPort()))
        .collect(Collectors.toList());
  }

  /** Errors that stopped nodes, by node id; empty in a healthy run. */
  public Map<String, Throwable> fatalErrors() {
    return Map.copyOf(fatalErrors);
  }

  /** Waits (bounded) until a running node leads and is ready to serve, and returns it. */
  public CoordinatorNode awaitLeader(long timeoutMs) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      for (CoordinatorNode node : running.values()) {
        if (node.raft().isLeaderReady()) {
          return node;
        }
      }
      Thread.sleep(20);
    }
    throw new TimeoutException("no leader within " + timeoutMs + " ms");
  }

  @Override
  public void close() {
    new ArrayList<>(running.keySet()).forEach(this::stop);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }
}
