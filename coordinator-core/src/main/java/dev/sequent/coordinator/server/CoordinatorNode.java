package dev.sequent.coordinator.server;

import dev.sequent.coordinator.config.ConfigException;
import dev.sequent.coordinator.config.ConfigKey;
import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.coordinator.config.Peer;
import dev.sequent.coordinator.dispatch.Dispatcher;
import dev.sequent.coordinator.dispatch.DispatcherSettings;
import dev.sequent.coordinator.ingress.IngressServer;
import dev.sequent.coordinator.metrics.NodeMetrics;
import dev.sequent.coordinator.propose.Proposer;
import dev.sequent.coordinator.propose.ProposerLimits;
import dev.sequent.coordinator.raft.FatalErrorHandler;
import dev.sequent.coordinator.raft.RaftNode;
import dev.sequent.coordinator.raft.StoreOpener;
import dev.sequent.coordinator.raft.TccStateMachine;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.tls.ServerTls;
import dev.sequent.protocol.tls.TlsSettings;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.RocksConfig;
import dev.sequent.storage.RocksStateStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator node, assembled in data-flow order: client port (ingress) -> proposer -> Raft ->
 * state machine -> transaction table -> state store, and on the leader the dispatcher that
 * delivers phase two to participants and proposes their acks back through the proposer. Metrics
 * watch from the side (they observe applied entries and read gauges; they write nothing). Used by
 * the server launcher and, several at a time, by embedded clusters (the demo, tests).
 */
public final class CoordinatorNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorNode.class);
  /** How long a linearizable status read may take before it is answered TIMEOUT. */
  private static final long READ_TIMEOUT_MS = 5_000;

  private final NodeConfig config;
  private final TccStateMachine stateMachine;
  private final RaftNode raft;
  private final Proposer proposer;
  private final ExpirySweeper sweeper;
  private final Dispatcher dispatcher;
  private final IngressServer ingress;
  private final ScheduledExecutorService watchdog;
  private final NodeMetrics metrics;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CoordinatorNode(NodeConfig config, MeterRegistry registry, FatalErrorHandler fatal)
      throws IOException, InterruptedException {
    this.config = config;
    TransactionTable table = new TransactionTable(tableLimits(config));
    String nodeId = config.self().id();
    this.metrics = NodeMetrics.create(nodeId, registry, NodeMetrics.port(config) > 0);
    MeterRegistry meters = metrics.registry();
    this.stateMachine = new TccStateMachine(table, storeOpener(config),
        config.dataDir().resolve("state"), fatal, System::currentTimeMillis,
        config.intValue(ConfigKey.RAFT_SNAPSHOTS_RETAINED));
    // Observing from the first apply on, so that nothing this node applies goes uncounted.
    metrics.observe(stateMachine);
    // Read once, before anything starts: a bad file stops start-up naming the key and the file.
    TlsSettings tls = tlsSettings(config);
    this.raft = new RaftNode(config, stateMachine, tls);
    this.proposer = new Proposer(raft::submitWrite, proposerLimits(config), meters, nodeId);
    this.sweeper = new ExpirySweeper(raft, proposer, table,
        config.longValue(ConfigKey.EXPIRY_SWEEP_INTERVAL_MS),
        config.intValue(ConfigKey.EXPIRY_BATCH_MAX));
    this.dispatcher = new Dispatcher(nodeId, dispatcherSettings(config), table,
        stateMachine::store, proposer::propose, meters, tls == null ? null : ClientTls.of(tls));
    // Phase two is the leader's job: it starts once this node leads and has applied everything
    // earlier leaders decided, and stops as soon as it no longer leads. A new leader resumes
    // every participant from its replicated watermark.
    stateMachine.onLeaderReady(() -> dispatcher.start(raft.currentTerm()));
    stateMachine.onNotLeader(dispatcher::stop);
    stateMachine.onApplied(dispatcher::wake);
    metrics.watch(raft, config.string(ConfigKey.STORE_TYPE).equals("rocksdb"));
    raft.start();
    Map<String, Peer> peers = new LinkedHashMap<>();
    config.peers().forEach(p -> peers.put(p.id(), p));
    this.ingress = new IngressServer(new IngressServer.Settings(config.bindHost(),
        config.self().clientPort(), config.intValue(ConfigKey.INGRESS_IO_THREADS),
        config.intValue(ConfigKey.WIRE_FRAME_BYTES_MAX),
        config.intValue(ConfigKey.INGRESS_INFLIGHT_PER_CONNECTION_MAX), READ_TIMEOUT_MS,
        clientPortTls(config, tls)), raft, proposer, peers);
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sequent-watchdog-" + nodeId);
      t.setDaemon(true);
      return t;
    });
    // Ratis closes a division whose apply threw but keeps the process up: a zombie that still
    // answers its ports. Stop the node instead (DESIGN.md rule 5).
    watchdog.scheduleWithFixedDelay(() -> {
      if (!closed.get() && !raft.isAlive()) {
        fatal.onFatal("raft division of node " + nodeId + " is closed", null);
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Starts a node: opens its store, joins the cluster, serves clients and, when metrics.port is
   * set, serves its metrics over HTTP.
   *
   * @param metrics where the node's meters go (several nodes may share one: meters carry their
   *     node's id as the tag {@code node})
   */
  public static CoordinatorNode start(NodeConfig config, MeterRegistry metrics,
      FatalErrorHandler fatal) throws IOException, InterruptedException {
    LOG.info("Starting node {} with {}", config.self().id(), config.asMap());
    CoordinatorNode node = new CoordinatorNode(config, metrics, fatal);
    int metricsPort = NodeMetrics.port(config);
    if (metricsPort > 0) {
      try {
        node.metrics.serve(config.bindHost(), metricsPort, node.raft);
      } catch (IOException | RuntimeException e) {
        node.close();
        throw e;
      }
    }
    return node;
  }

  static TableLimits tableLimits(NodeConfig config) {
    try {
      TableLimits defaults = TableLimits.DEFAULTS;
      return new TableLimits(
          config.intValue(ConfigKey.TABLE_XID_BYTES_MAX),
          config.intValue(ConfigKey.TABLE_ID_BYTES_MAX),
          config.intValue(ConfigKey.TABLE_BRANCHES_PER_TXN_MAX),
          config.intValue(ConfigKey.TABLE_PAYLOAD_BYTES_MAX),
          config.intValue(ConfigKey.TABLE_ACTIVE_TXNS_MAX),
          config.longValue(ConfigKey.TABLE_TXN_TIMEOUT_MS_MIN),
          config.longValue(ConfigKey.TABLE_TXN_TIMEOUT_MS_MAX),
          defaults.ackBatchMax(),
          Math.max(defaults.expireBatchMax(), config.intValue(ConfigKey.EXPIRY_BATCH_MAX)),
          defaults.pageEntriesMax());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("table limits: " + e.getMessage());
    }
  }

  static ProposerLimits proposerLimits(NodeConfig config) {
    try {
      return new ProposerLimits(
          config.intValue(ConfigKey.PROPOSE_COMMANDS_PER_ENTRY_MAX),
          config.intValue(ConfigKey.PROPOSE_ENTRY_BYTES_MAX),
          config.intValue(ConfigKey.PROPOSE_QUEUE_MAX),
          config.intValue(ConfigKey.PROPOSE_ENTRIES_INFLIGHT_MAX),
          // An entry not applied within a few election timeouts is stuck behind a lost quorum.
          4 * config.longValue(ConfigKey.RAFT_ELECTION_TIMEOUT_MAX_MS)
              + config.longValue(ConfigKey.RAFT_REQUEST_TIMEOUT_MS));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("proposer limits: " + e.getMessage());
    }
  }

  static DispatcherSettings dispatcherSettings(NodeConfig config) {
    try {
      return DispatcherSettings.DEFAULTS
          .withInflightMax(config.intValue(ConfigKey.DISPATCH_INFLIGHT_MAX))
          .withBackoffMs(config.longValue(ConfigKey.DISPATCH_BACKOFF_INITIAL_MS),
              config.longValue(ConfigKey.DISPATCH_BACKOFF_MAX_MS))
          .withAttemptsMax(config.intValue(ConfigKey.DISPATCH_ATTEMPTS_MAX))
          .withTimeoutsMs(config.longValue(ConfigKey.DISPATCH_CONNECT_TIMEOUT_MS),
              DispatcherSettings.DEFAULTS.replyTimeoutMs());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("dispatch: " + e.getMessage());
    }
  }

  /** The node's TLS key material, or null when tls.enabled is false. */
  static TlsSettings tlsSettings(NodeConfig config) {
    if (!config.tlsEnabled()) {
      return null;
    }
    try {
      return TlsSettings.fromPem(config.path(ConfigKey.TLS_CERT_CHAIN_FILE),
          config.path(ConfigKey.TLS_PRIVATE_KEY_FILE), config.path(ConfigKey.TLS_TRUST_CERTS_FILE));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("tls: " + e.getMessage());
    }
  }

  static ServerTls clientPortTls(NodeConfig config, TlsSettings tls) {
    if (tls == null) {
      return null;
    }
    try {
      return ServerTls.of(tls, config.tlsClientCertRequired(),
          config.identities(ConfigKey.TLS_ALLOWED_CLIENTS),
          "client port of " + config.self().id());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("tls: " + e.getMessage());
    }
  }

  static StoreOpener storeOpener(NodeConfig config) {
    Set<String> keyspaces = TransactionTable.keyspaces();
    if (config.string(ConfigKey.STORE_TYPE).equals("memory")) {
      return dir -> InMemoryStateStore.open(dir, keyspaces);
    }
    RocksConfig rocks;
    try {
      RocksConfig defaults = RocksConfig.defaults();
      rocks = new RocksConfig(
          config.longValue(ConfigKey.STORE_BLOCK_CACHE_BYTES),
          config.longValue(ConfigKey.STORE_WRITE_BUFFER_MANAGER_BYTES),
          config.longValue(ConfigKey.STORE_WRITE_BUFFER_BYTES),
          defaults.maxBackgroundJobs(),
          defaults.maxOpenFiles());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("store: " + e.getMessage());
    }
    return dir -> RocksStateStore.open(dir, keyspaces, rocks);
  }

  public String id() {
    return config.self().id();
  }

  public NodeConfig config() {
    return config;
  }

  public RaftNode raft() {
    return raft;
  }

  public TccStateMachine stateMachine() {
    return stateMachine;
  }

  public InetSocketAddress clientAddress() {
    return ingress.address();
  }

  /** Where /metrics and /health are served; empty when metrics.port is 0. */
  public Optional<InetSocketAddress> metricsAddress() {
    return metrics.address();
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Stops serving, then stops Raft (which closes the state machine and its store). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Stopping node {}", id());
    watchdog.shutdownNow();
    closeQuietly("ingress", ingress::close);
    closeQuietly("expiry sweeper", sweeper::close);
    closeQuietly("dispatcher", dispatcher::close);
    closeQuietly("proposer", proposer::close);
    closeQuietly("raft", raft::close);
    // After Raft: no entry is applied, hence observed, once the meters are gone.
    closeQuietly("metrics", metrics::close);
  }

  private void closeQuietly(String what, ThrowingRunnable action) {
    try {
      action.run();
    } catch (Exception e) {
      LOG.warn("Node {}: closing the {} failed", id(), what, e);
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
