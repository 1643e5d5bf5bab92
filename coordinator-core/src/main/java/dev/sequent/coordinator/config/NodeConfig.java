package dev.sequent.coordinator.config;

import dev.sequent.protocol.tls.PeerIdentity;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A node's configuration, parsed and validated once at start-up: every later read is of a value
 * known to be well-formed. Unknown keys are refused, so a misspelt key is an error rather than a
 * silently ignored setting.
 */
public final class NodeConfig {
  private final Map<ConfigKey, String> values;
  private final List<Peer> peers;
  private final Peer self;

  private NodeConfig(Map<ConfigKey, String> values) {
    this.values = values;
    this.peers = parsePeers(require(ConfigKey.CLUSTER_PEERS));
    String nodeId = require(ConfigKey.NODE_ID);
    this.self = peers.stream().filter(p -> p.id().equals(nodeId)).findFirst()
        .orElseThrow(() -> new ConfigException(
            "node.id '" + nodeId + "' is not one of cluster.peers " + ids(peers)));
    require(ConfigKey.NODE_DATA_DIR);
    validate();
  }

  /** Reads a properties file, then applies overrides (e.g. from the command line) on top. */
  public static NodeConfig load(Path file, Map<String, String> overrides) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // Properties.load throws this for a malformed unicode escape (found by NodeConfigFuzzTest):
      // a bad file must stop start-up with a ConfigException like any other mistake in it.
      throw new ConfigException("cannot parse config file " + file + ": " + e.getMessage());
    }
    Map<String, String> merged = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> merged.put(k, properties.getProperty(k).trim()));
    merged.putAll(overrides);
    return of(merged);
  }

  /** Builds a configuration from key-value pairs; missing keys take their defaults. */
  public static NodeConfig of(Map<String, String> settings) {
    Map<ConfigKey, String> values = new LinkedHashMap<>();
    for (ConfigKey key : ConfigKey.values()) {
      if (key.defaultValue() != null) {
        values.put(key, key.defaultValue());
      }
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      ConfigKey key = ConfigKey.byKey(e.getKey());
      if (key == null) {
        throw new ConfigException("unknown config key '" + e.getKey() + "'");
      }
      values.put(key, e.getValue());
    }
    return new NodeConfig(values);
  }

  private void validate() {
    String storeType = string(ConfigKey.STORE_TYPE);
    if (!storeType.equals("rocksdb") && !storeType.equals("memory")) {
      throw new ConfigException("store.type must be rocksdb or memory, not '" + storeType + "'");
    }
    long electionMin = longValue(ConfigKey.RAFT_ELECTION_TIMEOUT_MIN_MS, 50, 600_000);
    long electionMax = longValue(ConfigKey.RAFT_ELECTION_TIMEOUT_MAX_MS, 50, 600_000);
    if (electionMax <= electionMin) {
      throw new ConfigException("raft.electionTimeoutMaxMs (" + electionMax
          + ") must be above raft.electionTimeoutMinMs (" + electionMin + ")");
    }
    // A follower hears from the leader no more often than this: near the election timeout it
    // would start elections against a healthy leader.
    long appendIntervalMin = longValue(ConfigKey.RAFT_APPEND_INTERVAL_MIN_MS, 1, 600_000);
    if (appendIntervalMin > electionMin / 4) {
      throw new ConfigException("raft.appendIntervalMinMs (" + appendIntervalMin
          + ") must be at most a quarter of raft.electionTimeoutMinMs (" + electionMin + ")");
    }
    for (ConfigKey key : ConfigKey.values()) {
      if (key.key().endsWith("Ms") || key.key().endsWith("Bytes") || key.key().endsWith("Max")
          || key.key().endsWith("Min") || key.key().endsWith("Entries")
          || key.key().endsWith("Threads") || key.key().endsWith("Retained")) {
        longValue(key, 1, Long.MAX_VALUE);
      }
    }
    if (longValue(ConfigKey.TABLE_TXN_TIMEOUT_MS_MAX, 1, Long.MAX_VALUE)
        < longValue(ConfigKey.TABLE_TXN_TIMEOUT_MS_MIN, 1, Long.MAX_VALUE)) {
      throw new ConfigException("table.txnTimeoutMsMax must not be below table.txnTimeoutMsMin");
    }
    validateTls();
  }

  /** The TLS keys that only mean something with tls.enabled=true. */
  private static final List<ConfigKey> TLS_SETTINGS = List.of(ConfigKey.TLS_CERT_CHAIN_FILE,
      ConfigKey.TLS_PRIVATE_KEY_FILE, ConfigKey.TLS_TRUST_CERTS_FILE, ConfigKey.TLS_CLIENT_AUTH,
      ConfigKey.TLS_ALLOWED_CLIENTS, ConfigKey.TLS_CLUSTER_IDENTITIES);

  private void validateTls() {
    String enabled = string(ConfigKey.TLS_ENABLED).trim();
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw new ConfigException("tls.enabled must be true or false, not '" + enabled + "'");
    }
    if (!tlsEnabled()) {
      // A TLS setting without TLS is someone believing the node is protected when it is not.
      for (ConfigKey key : TLS_SETTINGS) {
        String value = values.get(key);
        if (value != null && !value.trim().equals(key.defaultValue())) {
          throw new ConfigException(key.key() + " is set but tls.enabled is false: set"
              + " tls.enabled=true, or remove " + key.key());
        }
      }
      return;
    }
    for (ConfigKey file : List.of(ConfigKey.TLS_CERT_CHAIN_FILE, ConfigKey.TLS_PRIVATE_KEY_FILE,
        ConfigKey.TLS_TRUST_CERTS_FILE)) {
      String path = values.get(file);
      if (path == null || path.isBlank()) {
        throw new ConfigException("tls.enabled=true needs " + file.key() + ": "
            + file.description());
      }
      if (!Files.isReadable(Path.of(path.trim()))) {
        throw new ConfigException(file.key() + ": cannot read file '" + path.trim() + "'");
      }
    }
    String clientAuth = string(ConfigKey.TLS_CLIENT_AUTH).trim();
    if (!clientAuth.equals("none") && !clientAuth.equals("require")) {
      throw new ConfigException("tls.clientAuth must be none or require, not '" + clientAuth
          + "'");
    }
    if (!identities(ConfigKey.TLS_ALLOWED_CLIENTS).isEmpty() && !tlsClientCertRequired()) {
      throw new ConfigException("tls.allowedClients needs tls.clientAuth=require: without a"
          + " client certificate there is no identity to check");
    }
    identities(ConfigKey.TLS_CLUSTER_IDENTITIES);
  }

  private static List<Peer> parsePeers(String spec) {
    List<Peer> peers = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> endpoints = new HashSet<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      Peer peer = Peer.parse(part);
      if (!ids.add(peer.id())) {
        throw new ConfigException("cluster.peers names node '" + peer.id() + "' twice");
      }
      for (int port : new int[] {peer.raftPort(), peer.clientPort()}) {
        if (!endpoints.add(peer.host() + ":" + port)) {
          throw new ConfigException("cluster.peers uses " + peer.host() + ":" + port + " twice");
        }
      }
      peers.add(peer);
    }
    if (peers.isEmpty()) {
      throw new ConfigException("cluster.peers is empty");
    }
    return List.copyOf(peers);
  }

  private static List<String> ids(List<Peer> peers) {
    return peers.stream().map(Peer::id).toList();
  }

  private String require(ConfigKey key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException("missing required config key '" + key.key() + "': "
          + key.description());
    }
    return value;
  }

  // ------------------------------------------------------------------ typed reads

  public String string(ConfigKey key) {
    return require(key);
  }

  /** The value, or null for an optional key without value. */
  public String optional(ConfigKey key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? null : value;
  }

  public long longValue(ConfigKey key) {
    return longValue(key, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public int intValue(ConfigKey key) {
    return Math.toIntExact(longValue(key, 1, Integer.MAX_VALUE));
  }

  private long longValue(ConfigKey key, long min, long max) {
    String text = require(key);
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key.key() + " must be a whole number, not '" + text + "'");
    }
    if (value < min || value > max) {
      throw new ConfigException(key.key() + " = " + value + " is out of " + min + ".." + max);
    }
    return value;
  }

  /** True when tls.enabled is true: the other tls.* keys are then valid and the files readable. */
  public boolean tlsEnabled() {
    return string(ConfigKey.TLS_ENABLED).trim().equals("true");
  }

  /** True when tls.clientAuth is require (mutual TLS on the client port). */
  public boolean tlsClientCertRequired() {
    return string(ConfigKey.TLS_CLIENT_AUTH).trim().equals("require");
  }

  /** A file key's value as a path, or null when it is not set. */
  public Path path(ConfigKey key) {
    String value = optional(key);
    return value == null ? null : Path.of(value.trim());
  }

  /** An identity list key's names (empty when unset). */
  public Set<String> identities(ConfigKey key) {
    try {
      return PeerIdentity.parseList(optional(key));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.key() + ": " + e.getMessage());
    }
  }

  public List<Peer> peers() {
    return peers;
  }

  public Peer self() {
    return self;
  }

  public Path dataDir() {
    return Path.of(require(ConfigKey.NODE_DATA_DIR));
  }

  public String bindHost() {
    String host = optional(ConfigKey.NODE_BIND_HOST);
    return host == null ? self.host() : host;
  }

  /** The settings as key-value pairs, for logging at start-up. */
  public Map<String, String> asMap() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k.key(), v));
    return out;
  }
}
