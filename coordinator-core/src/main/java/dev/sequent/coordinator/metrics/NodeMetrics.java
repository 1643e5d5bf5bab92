package dev.sequent.coordinator.metrics;

import dev.sequent.coordinator.config.ConfigException;
import dev.sequent.coordinator.config.ConfigKey;
import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.coordinator.raft.RaftNode;
import dev.sequent.coordinator.raft.TccStateMachine;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A node's metrics, wired by the server: the registry its components register in, the observer
 * of applied entries ({@link TxnMetrics}), the gauges read on scrape, and the optional HTTP
 * endpoint ({@link MetricsEndpoint}). Every meter carries the tag {@code node}; the names are
 * listed in docs/metrics.md.
 *
 * <p>Meters are per-node observations of the log this node applied: they never write replicated
 * state, and in a three-node cluster each node counts every txn (sum over one node, not three).
 */
public final class NodeMetrics implements AutoCloseable {
  /** What the standalone server adds to a node's client port for its metrics port by default. */
  public static final int STANDALONE_PORT_OFFSET = 1000;

  private final String nodeId;
  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final boolean ownsPrometheus;
  private TxnMetrics txns;
  private NodeGauges gauges;
  private MetricsEndpoint endpoint;

  private NodeMetrics(String nodeId, MeterRegistry registry, PrometheusMeterRegistry prometheus,
      boolean ownsPrometheus) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.prometheus = prometheus;
    this.ownsPrometheus = ownsPrometheus;
  }

  /**
   * @param given where the embedding application wants the meters
   * @param serveHttp whether this node will serve /metrics: its meters then also go to a
   *     Prometheus registry of its own (unless given is one), so that a node's endpoint shows that
   *     node only, even when several nodes of one process share the given registry
   */
  public static NodeMetrics create(String nodeId, MeterRegistry given, boolean serveHttp) {
    if (!serveHttp) {
      return new NodeMetrics(nodeId, given, null, false);
    }
    if (given instanceof PrometheusMeterRegistry prometheus) {
      return new NodeMetrics(nodeId, given, prometheus, false);
    }
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new NodeMetrics(nodeId,
        new CompositeMeterRegistry(Clock.SYSTEM, List.of(given, own)), own, true);
  }

  /**
   * The configured metrics port, 0 when off.
   *
   * @throws ConfigException when it is not in [0, 65535]
   */
  public static int port(NodeConfig config) {
    long port = config.longValue(ConfigKey.METRICS_PORT);
    if (port < 0 || port > 65_535) {
      throw new ConfigException(ConfigKey.METRICS_PORT.key() + " = " + port
          + " is out of 0..65535 (0 turns the endpoint off)");
    }
    return (int) port;
  }

  /**
   * The standalone server's metrics port when none is configured: the node's client port + 1000,
   * so the nodes of a cluster on one host get distinct ports as their client ports are.
   *
   * @throws ConfigException when that is above 65535 (then metrics.port must be set)
   */
  public static int standalonePort(NodeConfig config) {
    int port = config.self().clientPort() + STANDALONE_PORT_OFFSET;
    if (port > 65_535) {
      throw new ConfigException("the default metrics port (client port + "
          + STANDALONE_PORT_OFFSET + " = " + port + ") is out of range: set "
          + ConfigKey.METRICS_PORT.key());
    }
    return port;
  }

  /** Where the node's components register their meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Counts txns as this node applies entries; call before the node starts applying. */
  public void observe(TccStateMachine stateMachine) {
    txns = new TxnMetrics(registry, nodeId);
    stateMachine.onEntryApplied(txns);
  }

  /** Registers the gauges of Raft, the store (when it is RocksDB) and the table. */
  public void watch(RaftNode raft, boolean rocksStore) {
    gauges = new NodeGauges(registry, nodeId, raft, rocksStore, System::nanoTime);
  }

  /**
   * Serves /metrics and /health on host:port.
   *
   * @throws IllegalStateException when this was created without serveHttp
   */
  public void serve(String host, int port, RaftNode raft) throws IOException {
    if (prometheus == null) {
      throw new IllegalStateException("metrics of node " + nodeId + " were made without HTTP");
    }
    endpoint = MetricsEndpoint.start(host, port, nodeId, prometheus::scrape, () -> health(raft));
  }

  /** The endpoint's address, when this node serves one. */
  public Optional<InetSocketAddress> address() {
    return Optional.ofNullable(endpoint).map(MetricsEndpoint::address);
  }

  private MetricsEndpoint.Health health(RaftNode raft) {
    boolean alive = raft.isAlive();
    String json = "{\"node\":\"" + jsonEscape(nodeId) + "\",\"status\":\""
        + (alive ? "UP" : "DOWN") + "\",\"leader\":" + raft.isLeader()
        + ",\"term\":" + raft.currentTerm() + ",\"appliedIndex\":" + raft.lastAppliedIndex()
        + "}";
    return new MetricsEndpoint.Health(alive, json);
  }

  private static String jsonEscape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Stops the endpoint and removes this node's own meters, so that a node restarted in the same
   * process registers fresh ones. Call after Raft stopped (no more applies).
   */
  @Override
  public void close() {
    if (endpoint != null) {
      endpoint.close();
    }
    if (gauges != null) {
      gauges.close();
    }
    if (txns != null) {
      txns.close();
    }
    if (ownsPrometheus) {
      prometheus.close();
    }
  }
}
