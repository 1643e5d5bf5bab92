package dev.sequent.coordinator.config;

/**
 * Every configuration key of a coordinator node, with its default and meaning. Units are last in
 * the name. This list is the single source for parsing, validation and documentation.
 */
public enum ConfigKey {
  CLUSTER_NAME("cluster.name", "sequent",
      "Name of the cluster; every node of one cluster must use the same name (it fixes the Raft "
          + "group id)."),
  CLUSTER_PEERS("cluster.peers", null,
      "All nodes of the cluster, comma-separated, each id=host:raftPort:clientPort."),
  NODE_ID("node.id", null, "This node's id; must be one of cluster.peers."),
  NODE_DATA_DIR("node.dataDir", null,
      "Directory for this node's Raft log, snapshots and live state store."),
  NODE_BIND_HOST("node.bindHost", "",
      "Address the client and Raft ports bind to; defaults to the host given in cluster.peers."),

  STORE_TYPE("store.type", "rocksdb", "rocksdb (durable) or memory (simulation only)."),
  STORE_BLOCK_CACHE_BYTES("store.blockCacheBytes", "67108864",
      "RocksDB block cache shared by all keyspaces."),
  STORE_WRITE_BUFFER_MANAGER_BYTES("store.writeBufferManagerBytes", "33554432",
      "Total RocksDB memtable memory, charged to the block cache."),
  STORE_WRITE_BUFFER_BYTES("store.writeBufferBytes", "8388608",
      "RocksDB memtable size per keyspace."),

  RAFT_ELECTION_TIMEOUT_MIN_MS("raft.electionTimeoutMinMs", "1000",
      "Lower bound of the randomized election timeout (Ratis's 150 ms default is too tight for "
          + "GC pauses on a shared machine)."),
  RAFT_ELECTION_TIMEOUT_MAX_MS("raft.electionTimeoutMaxMs", "2000",
      "Upper bound of the randomized election timeout."),
  RAFT_REQUEST_TIMEOUT_MS("raft.requestTimeoutMs", "3000", "Timeout of one Raft RPC."),
  RAFT_APPEND_INTERVAL_MIN_MS("raft.appendIntervalMinMs", "1",
      "Least time between two appendEntries calls from the leader to one follower (Ratis's "
          + "log appender wait-time.min): longer sends fewer, bigger calls under load. At most a "
          + "quarter of raft.electionTimeoutMinMs."),
  RAFT_SEGMENT_SIZE_MAX_BYTES("raft.segmentSizeMaxBytes", "8388608",
      "Size of one Raft log segment file."),
  RAFT_SNAPSHOT_THRESHOLD_ENTRIES("raft.snapshotThresholdEntries", "10000",
      "Take a snapshot (a store checkpoint) every this many applied entries; the log before it "
          + "is then purged."),
  RAFT_SNAPSHOTS_RETAINED("raft.snapshotsRetained", "2", "Snapshots kept on disk."),
  RAFT_PURGE_GAP_ENTRIES("raft.purgeGapEntries", "1024",
      "Purge the log only when at least this many entries can go."),

  PROPOSE_COMMANDS_PER_ENTRY_MAX("propose.commandsPerEntryMax", "512",
      "Client commands batched into one Raft entry at most."),
  PROPOSE_ENTRY_BYTES_MAX("propose.entryBytesMax", "1048576",
      "Bytes of one Raft entry at most (a single command larger than this is refused)."),
  PROPOSE_QUEUE_MAX("propose.queueMax", "20000",
      "Commands waiting to be proposed at most; beyond it requests get OVERLOADED."),
  // 4, not 16: fewer, bigger entries cost less per command (benchmarks, c=64, three processes:
  // 1,353 txns/s at 16, 1,555 at 4, 1,642 at 2); 4 keeps some pipelining for a slow disk.
  PROPOSE_ENTRIES_INFLIGHT_MAX("propose.entriesInflightMax", "2",
      "Raft entries proposed and not yet applied at most; more waiting commands make bigger "
          + "entries instead (fewer, bigger entries cost less per command: on 2 cores at "
          + "concurrency 64, 2 gave 14 commands per entry and 10% more txns/s than 4)."),

  WIRE_FRAME_BYTES_MAX("wire.frameBytesMax", "1048576", "Largest frame accepted on any port."),
  INGRESS_INFLIGHT_PER_CONNECTION_MAX("ingress.inflightPerConnectionMax", "4096",
      "Requests of one connection being processed at most; beyond it OVERLOADED."),
  INGRESS_IO_THREADS("ingress.ioThreads", "2", "Netty event-loop threads of the client port."),

  TABLE_XID_BYTES_MAX("table.xidBytesMax", "128", "Longest xid, in UTF-8 bytes."),
  TABLE_ID_BYTES_MAX("table.idBytesMax", "128",
      "Longest branch id or participant id, in UTF-8 bytes."),
  TABLE_BRANCHES_PER_TXN_MAX("table.branchesPerTxnMax", "64", "Branches of one txn at most."),
  TABLE_PAYLOAD_BYTES_MAX("table.payloadBytesMax", "16384", "Largest branch payload."),
  TABLE_ACTIVE_TXNS_MAX("table.activeTxnsMax", "100000",
      "Txns in TRYING at most; beyond it begin answers TOO_MANY_ACTIVE_TXNS."),
  TABLE_TXN_TIMEOUT_MS_MIN("table.txnTimeoutMsMin", "100", "Shortest txn timeout accepted."),
  TABLE_TXN_TIMEOUT_MS_MAX("table.txnTimeoutMsMax", "600000", "Longest txn timeout accepted."),

  DISPATCH_INFLIGHT_MAX("dispatch.inflightMax", "64",
      "Phase-2 calls sent to one participant and not yet acknowledged, at most."),
  DISPATCH_BACKOFF_INITIAL_MS("dispatch.backoffInitialMs", "50",
      "First retry delay after a failed phase-2 call or a lost connection."),
  DISPATCH_BACKOFF_MAX_MS("dispatch.backoffMaxMs", "5000", "Cap of the retry delay."),
  DISPATCH_ATTEMPTS_MAX("dispatch.attemptsMax", "20",
      "Failed attempts of one phase-2 call (the participant answered with an error) before it is "
          + "marked as needing an operator. A participant that is down is retried forever."),
  DISPATCH_CONNECT_TIMEOUT_MS("dispatch.connectTimeoutMs", "2000",
      "Timeout of one connection attempt to a participant endpoint."),

  EXPIRY_SWEEP_INTERVAL_MS("expiry.sweepIntervalMs", "250",
      "How often the leader looks for txns past their deadline."),
  EXPIRY_BATCH_MAX("expiry.batchMax", "256", "Txns cancelled by one expiry command at most."),

  METRICS_PORT("metrics.port", "0",
      "HTTP port serving /metrics (Prometheus text format) and /health, on node.bindHost; 0 "
          + "turns it off. The standalone server (ServerMain) uses the client port + 1000 when "
          + "this key is not set; set it to 0 there to turn the endpoint off."),

  TLS_ENABLED("tls.enabled", "false",
      "true turns TLS (1.3 and 1.2 only) on for every channel of the node: the client port, "
          + "Raft's gRPC between nodes (always mutual) and the node's connections to participant "
          + "endpoints. Needs tls.certChainFile, tls.privateKeyFile and tls.trustCertsFile. "
          + "Every node of a cluster must agree. See docs/security.md."),
  TLS_CERT_CHAIN_FILE("tls.certChainFile", "",
      "PEM file: this node's certificate, then any intermediates. The node presents it on its "
          + "ports and when it dials other nodes and participants, so it must name (as subject "
          + "alternative names) every host name or IP address it is dialled by."),
  TLS_PRIVATE_KEY_FILE("tls.privateKeyFile", "",
      "PEM file: the unencrypted PKCS#8 private key of tls.certChainFile; readable by the "
          + "node's user only."),
  TLS_TRUST_CERTS_FILE("tls.trustCertsFile", "",
      "PEM file: the CA certificates trusted for the certificates of other nodes, clients and "
          + "participant endpoints."),
  TLS_CLIENT_AUTH("tls.clientAuth", "none",
      "Client port: none (clients only check the node's certificate) or require (mutual TLS: "
          + "clients must present a certificate signed by a trusted CA)."),
  TLS_ALLOWED_CLIENTS("tls.allowedClients", "",
      "Client port: the identities served (certificate CN or DNS name), comma-separated; any "
          + "other certificate is refused with PERMISSION_DENIED and its connection closed. "
          + "Empty serves every certificate a trusted CA signed. Needs tls.clientAuth=require. "
          + "Participants announce their endpoints on this port: list them too."),
  TLS_CLUSTER_IDENTITIES("tls.clusterIdentities", "",
      "The identities the nodes' own certificates name, comma-separated: Raft accepts only peers "
          + "presenting one of them, both as callers and as servers. Give participant endpoints "
          + "the same list (ParticipantEndpoint.Builder.clusterIdentities) so that they accept "
          + "phase-2 calls only from the cluster. Empty accepts every certificate a trusted CA "
          + "signed.");

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKey(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  /** The default, or null when the key is required. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  static ConfigKey byKey(String key) {
    for (ConfigKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    return null;
  }
}
